import { listPrices, PRICE_CATALOG, REGIONS, regionPrices } from '../../services/cost-report/src/price-catalog';

const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/;

describe('price catalog', () => {
  it.each(REGIONS)('gives every %s price a source, a date and a finite non-negative amount', (region) => {
    const prices = listPrices(PRICE_CATALOG[region]);
    expect(prices.length).toBeGreaterThan(30);
    for (const { path, price } of prices) {
      expect({ path, ok: price.source.trim().length > 10 }).toEqual({ path, ok: true });
      expect({ path, asOf: ISO_DATE.test(price.asOf) }).toEqual({ path, asOf: true });
      expect({ path, finite: Number.isFinite(price.usd) && price.usd >= 0 }).toEqual({ path, finite: true });
      expect(['published', 'retrieved']).toContain(price.dateKind);
      expect(price.unit.length).toBeGreaterThan(0);
    }
  });

  it('prices the same items in every region', () => {
    const paths = (r: (typeof REGIONS)[number]): string[] => listPrices(PRICE_CATALOG[r]).map((p) => p.path).sort();
    expect(paths('ap-south-1')).toEqual(paths('us-east-1'));
  });

  it('marks a figure reused from another region as assumed and says so', () => {
    const mumbaiRedis = PRICE_CATALOG['ap-south-1'].elasticacheNodeHour['cache.m6g.large'];
    expect(mumbaiRedis?.confidence).toBe('assumed');
    expect(mumbaiRedis?.source).toMatch(/us-east-1 figure reused/);
  });

  it('rejects a region it has no prices for', () => {
    expect(() => regionPrices('eu-west-1')).toThrow(/no price catalog for region eu-west-1/);
  });
});
