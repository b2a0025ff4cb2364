/**
 * Versioned list prices per region. Every figure carries its source and a date so a reader can
 * check it; `confidence` says how far to trust it. All figures come from the project's price
 * notes (/work/shared/research/aws-cdk.md §4) or the user's plan (provider APIs).
 *
 * Dates: `asOf` is the date the source states; when the source states none, it is the date the
 * figure was read into this catalog and `dateKind` says so.
 */
export const PRICE_CATALOG_VERSION = '2026-11-25.1';

export type PriceConfidence =
  /** An AWS price page, AWS Price List API value or AWS doc. */
  | 'primary'
  /** A pricing guide, blog or third-party repository quoting AWS. */
  | 'secondary'
  /** Unit price computed as cost ÷ quantity from a real bill quoted in a public repository. */
  | 'bill'
  /** Not found for this region: another region's figure is reused (say which in `source`). */
  | 'assumed';

export interface SourcedPrice {
  readonly usd: number;
  /** What one `usd` buys, e.g. 'vCPU-hour', 'GB', 'million write request units'. */
  readonly unit: string;
  readonly source: string;
  /** ISO date (yyyy-mm or yyyy-mm-dd). */
  readonly asOf: string;
  readonly dateKind: 'published' | 'retrieved';
  readonly confidence: PriceConfidence;
}

export type RegionName = 'us-east-1' | 'ap-south-1';
export const REGIONS: readonly RegionName[] = ['us-east-1', 'ap-south-1'];

export interface RegionPrices {
  readonly region: RegionName;
  readonly fargate: {
    readonly x86VcpuHour: SourcedPrice;
    readonly x86GbHour: SourcedPrice;
    readonly armVcpuHour: SourcedPrice;
    readonly armGbHour: SourcedPrice;
    /** Fraction of the on-demand price paid for Spot capacity (usd is the multiplier). */
    readonly spotPriceRatio: SourcedPrice;
  };
  readonly alb: { readonly hour: SourcedPrice; readonly lcuHour: SourcedPrice };
  readonly nat: { readonly hour: SourcedPrice; readonly gbProcessed: SourcedPrice };
  readonly publicIpv4Hour: SourcedPrice;
  readonly dataTransferOut: {
    readonly gb: SourcedPrice;
    /** Monthly free allowance in GB (usd holds the GB count). */
    readonly freeGbPerMonth: SourcedPrice;
  };
  /** Redis OSS node-hour by node type. */
  readonly elasticacheNodeHour: Readonly<Record<string, SourcedPrice>>;
  readonly dynamodb: { readonly millionWru: SourcedPrice; readonly millionRru: SourcedPrice };
  readonly lambda: {
    readonly millionRequests: SourcedPrice;
    readonly armGbSecond: SourcedPrice;
    readonly x86GbSecond: SourcedPrice;
  };
  readonly cloudwatch: {
    readonly metricMonth: SourcedPrice;
    readonly alarmMonth: SourcedPrice;
    readonly dashboardMonth: SourcedPrice;
    /** Dashboards free per account (usd holds the count). */
    readonly freeDashboards: SourcedPrice;
    readonly thousandApiRequests: SourcedPrice;
    readonly logsIngestGb: SourcedPrice;
  };
  readonly secretsManager: { readonly secretMonth: SourcedPrice; readonly tenThousandApiCalls: SourcedPrice };
  /** MongoDB Atlas dedicated cluster-hour by tier. */
  readonly atlasClusterHour: Readonly<Record<string, SourcedPrice>>;
  /** Provider APIs, priced per unit of use. */
  readonly providers: ProviderPrices;
}

/**
 * The plan prices STT per audio minute and quotes LLM and TTS per 1,000 call minutes (its
 * "$30 per 1,000 minutes"). Those blended figures are the defaults; a per-unit price (per TTS
 * character, per LLM token) can replace them through a price override file.
 */
export interface ProviderPrices {
  readonly sttPerAudioMinute: SourcedPrice;
  readonly llm: UsagePrice;
  readonly tts: UsagePrice;
}

export type UsagePrice =
  | { readonly basis: 'callMinute'; readonly price: SourcedPrice }
  | { readonly basis: 'llmTokens'; readonly inputPerMillion: SourcedPrice; readonly outputPerMillion: SourcedPrice }
  | { readonly basis: 'ttsCharacters'; readonly perThousandChars: SourcedPrice };

const NOTES = 'research/aws-cdk.md §4';
const READ_ON = '2026-11-25';

function price(
  usd: number,
  unit: string,
  source: string,
  asOf: string,
  confidence: PriceConfidence,
  dateKind: 'published' | 'retrieved' = 'published',
): SourcedPrice {
  return { usd, unit, source, asOf, dateKind, confidence };
}

/** A source that states no date: stamped with the day the figure was read. */
function undated(usd: number, unit: string, source: string, confidence: PriceConfidence): SourcedPrice {
  return price(usd, unit, source, READ_ON, confidence, 'retrieved');
}

/** Reuses another region's figure where the notes found none for this one. */
function sameAs(p: SourcedPrice, region: RegionName): SourcedPrice {
  return { ...p, confidence: 'assumed', source: `not found for this region; ${region} figure reused (${p.source})` };
}

const PLAN = 'user plan, "Complete Cost with API Costs" (seed/enterprise-concurrency-plan.md)';

const PLAN_PROVIDERS: ProviderPrices = {
  sttPerAudioMinute: undated(0.012, 'STT audio minute', `${PLAN}: Deepgram STT $12.00 per 1,000 minutes`, 'secondary'),
  llm: {
    basis: 'callMinute',
    price: undated(0.003, 'call minute', `${PLAN}: OpenAI GPT-4o-mini $3.00 per 1,000 minutes`, 'secondary'),
  },
  tts: {
    basis: 'callMinute',
    price: undated(0.015, 'call minute', `${PLAN}: Deepgram TTS $15.00 per 1,000 minutes`, 'secondary'),
  },
};

const US_EAST_1: RegionPrices = {
  region: 'us-east-1',
  fargate: {
    x86VcpuHour: price(0.04048, 'vCPU-hour', `vantage.sh/blog/fargate-pricing; fortem.dev/fargate-spot (${NOTES})`, '2026-06', 'secondary'),
    x86GbHour: price(0.004445, 'GB-hour', `vantage.sh/blog/fargate-pricing; fortem.dev (${NOTES})`, '2026-06', 'secondary'),
    armVcpuHour: undated(0.03238, 'vCPU-hour', `vantage.sh/blog/fargate-pricing (${NOTES})`, 'secondary'),
    armGbHour: undated(0.00356, 'GB-hour', `vantage.sh/blog/fargate-pricing (${NOTES})`, 'secondary'),
    spotPriceRatio: price(
      0.4,
      'multiplier on on-demand',
      `Fargate Spot "up to 70 %" off, typically 50-70 %: fortem.dev, nclouds.com (${NOTES}); 60 % off taken as the middle`,
      '2026-06',
      'secondary',
    ),
  },
  alb: {
    hour: price(0.0225, 'ALB-hour', `cloud-horizons.com (${NOTES})`, '2026-05-08', 'secondary'),
    lcuHour: price(0.008, 'LCU-hour', `cloud-horizons.com; handbook.vantage.sh/aws/services/elb-pricing (${NOTES})`, '2026-05-08', 'secondary'),
  },
  nat: {
    hour: undated(0.045, 'NAT gateway-hour', `egresscost.com/aws (${NOTES})`, 'secondary'),
    gbProcessed: undated(0.045, 'GB processed', `egresscost.com/aws (${NOTES})`, 'secondary'),
  },
  publicIpv4Hour: undated(0.005, 'public IPv4 address-hour', `egresscost.com (${NOTES})`, 'secondary'),
  dataTransferOut: {
    gb: undated(0.09, 'GB out to internet (first 10 TB)', `https://repost.aws/questions/QUAT1NfOeZSAK5z8KXXO9jgA (${NOTES})`, 'secondary'),
    freeGbPerMonth: undated(100, 'GB free per month (all regions)', `https://repost.aws/questions/QUAT1NfOeZSAK5z8KXXO9jgA (${NOTES})`, 'secondary'),
  },
  elasticacheNodeHour: {
    'cache.t4g.micro': price(0.016, 'node-hour', `AWS Price List API via a public repo pricing service (${NOTES})`, '2026-10-02', 'secondary'),
    'cache.t4g.small': price(0.032, 'node-hour', `AWS Price List API via a public repo pricing service (${NOTES})`, '2026-10-02', 'secondary'),
    'cache.m6g.large': price(0.149, 'node-hour', `AWS Price List API via a public repo pricing service (${NOTES})`, '2026-10-02', 'secondary'),
  },
  dynamodb: {
    millionWru: price(0.625, 'million write request units', `AWS Price List API, "verified 2026-07-31" in a public repo (${NOTES})`, '2026-07-31', 'secondary'),
    millionRru: price(0.125, 'million read request units', `AWS Price List API, "verified 2026-07-31" in a public repo (${NOTES})`, '2026-07-31', 'secondary'),
  },
  lambda: {
    millionRequests: undated(0.2, 'million requests', `public repo pricing service; umccr/holmes docs/COSTS.md (${NOTES})`, 'secondary'),
    armGbSecond: undated(0.0000133334, 'GB-second (arm64)', `public repo pricing service (${NOTES})`, 'secondary'),
    x86GbSecond: undated(0.0000166667, 'GB-second (x86_64)', `public repo pricing service (${NOTES})`, 'secondary'),
  },
  cloudwatch: {
    metricMonth: undated(0.3, 'custom metric-month (first 10k)', `cloud pricing guides (${NOTES})`, 'secondary'),
    alarmMonth: undated(0.1, 'standard alarm-month', `c3x.dev/resources/aws/aws_cloudwatch_metric_alarm (${NOTES})`, 'secondary'),
    dashboardMonth: price(3, 'dashboard-month', `factualminds.com (${NOTES})`, '2026-06-13', 'secondary'),
    freeDashboards: price(3, 'dashboards free per account', `factualminds.com, marked uncertain in the notes (${NOTES})`, '2026-06-13', 'assumed'),
    thousandApiRequests: undated(0.01, '1,000 API requests (PutMetricData) or metrics requested (GetMetricData)', `public repo CUR fixtures; site24x7 KB (${NOTES})`, 'bill'),
    logsIngestGb: undated(0.5, 'GB of logs ingested', `factualminds.com (${NOTES})`, 'secondary'),
  },
  secretsManager: {
    secretMonth: undated(0.4, 'secret-month', `hivebook.wiki (${NOTES})`, 'secondary'),
    tenThousandApiCalls: undated(0.05, '10,000 API calls', `hivebook.wiki (${NOTES})`, 'secondary'),
  },
  atlasClusterHour: {
    M10: undated(0.08, 'cluster-hour', `"from $0.08/hr (~$57/mo)" widely cited; Atlas billing docs (${NOTES})`, 'secondary'),
  },
  providers: PLAN_PROVIDERS,
};

const MUMBAI_BILL = 'public repo Mumbai bill doc (docs/budget-1000-students-2026-09.md)';

const AP_SOUTH_1: RegionPrices = {
  region: 'ap-south-1',
  fargate: {
    x86VcpuHour: price(0.0426, 'vCPU-hour', `bill: public-repo FinOps data "Real May-2026 ap-south-1 Fargate legs", 1259.77 $ / 29,592 h (${NOTES})`, '2026-05', 'bill'),
    x86GbHour: price(0.004445, 'GB-hour', `bill: same May-2026 ap-south-1 dataset (${NOTES})`, '2026-05', 'bill'),
    armVcpuHour: price(0.02383, 'vCPU-hour', `bill: ${MUMBAI_BILL}, two bill datasets agree (${NOTES})`, '2026-09-16', 'bill'),
    armGbHour: price(0.00261, 'GB-hour', `bill: ${MUMBAI_BILL} (${NOTES})`, '2026-09-16', 'bill'),
    spotPriceRatio: US_EAST_1.fargate.spotPriceRatio,
  },
  alb: {
    hour: price(0.0239, 'ALB-hour', `bill: ${MUMBAI_BILL} (${NOTES})`, '2026-09', 'bill'),
    lcuHour: price(0.008, 'LCU-hour', `bill script: ${MUMBAI_BILL} (${NOTES})`, '2026-09', 'bill'),
  },
  nat: {
    hour: price(0.056, 'NAT gateway-hour', `bill: ${MUMBAI_BILL} (${NOTES})`, '2026-09', 'bill'),
    gbProcessed: price(0.056, 'GB processed', `bill: ${MUMBAI_BILL} (${NOTES})`, '2026-09', 'bill'),
  },
  publicIpv4Hour: price(0.005, 'public IPv4 address-hour', `bill script: ${MUMBAI_BILL} (${NOTES})`, '2026-09', 'bill'),
  dataTransferOut: {
    gb: undated(0.1093, 'GB out to internet (first 10 TB)', `CUR line "APS3-DataTransfer-Out-Bytes $0.1093 per GB - first 10 TB" in a public repo fixture (${NOTES})`, 'bill'),
    freeGbPerMonth: US_EAST_1.dataTransferOut.freeGbPerMonth,
  },
  elasticacheNodeHour: {
    'cache.t4g.micro': sameAs(US_EAST_1.elasticacheNodeHour['cache.t4g.micro']!, 'us-east-1'),
    'cache.t4g.small': sameAs(US_EAST_1.elasticacheNodeHour['cache.t4g.small']!, 'us-east-1'),
    'cache.m6g.large': sameAs(US_EAST_1.elasticacheNodeHour['cache.m6g.large']!, 'us-east-1'),
  },
  dynamodb: {
    millionWru: undated(0.71, 'million write request units', `AWS Price List API quotes in public repo docs (${NOTES})`, 'secondary'),
    millionRru: undated(0.1425, 'million read request units', `AWS Price List API quotes in public repo docs (${NOTES})`, 'secondary'),
  },
  lambda: {
    millionRequests: undated(0.2, 'million requests', `APS3 price list quote (${NOTES})`, 'secondary'),
    armGbSecond: undated(0.0000133334, 'GB-second (arm64)', `APS3 price list quote (${NOTES})`, 'secondary'),
    x86GbSecond: sameAs(US_EAST_1.lambda.x86GbSecond, 'us-east-1'),
  },
  cloudwatch: {
    metricMonth: undated(0.3, 'custom metric-month (first 10k)', `CUR text for APS3-CW:MetricMonitorUsage in a public repo test (${NOTES})`, 'bill'),
    alarmMonth: sameAs(US_EAST_1.cloudwatch.alarmMonth, 'us-east-1'),
    dashboardMonth: sameAs(US_EAST_1.cloudwatch.dashboardMonth, 'us-east-1'),
    freeDashboards: US_EAST_1.cloudwatch.freeDashboards,
    thousandApiRequests: undated(0.01, '1,000 API requests or metrics requested', `same unit as a Tokyo CUR line (${NOTES})`, 'assumed'),
    logsIngestGb: price(0.67, 'GB of logs ingested', `list price via ${MUMBAI_BILL} (${NOTES})`, '2026-09', 'bill'),
  },
  secretsManager: {
    secretMonth: undated(0.4, 'secret-month', `bill: ≈0.013 $/day/secret in public repo bill lines (${NOTES})`, 'bill'),
    tenThousandApiCalls: sameAs(US_EAST_1.secretsManager.tenThousandApiCalls, 'us-east-1'),
  },
  atlasClusterHour: {
    M10: sameAs(US_EAST_1.atlasClusterHour['M10']!, 'us-east-1'),
  },
  providers: PLAN_PROVIDERS,
};

export const PRICE_CATALOG: Readonly<Record<RegionName, RegionPrices>> = {
  'us-east-1': US_EAST_1,
  'ap-south-1': AP_SOUTH_1,
};

export function isRegionName(value: string): value is RegionName {
  return (REGIONS as readonly string[]).includes(value);
}

export function regionPrices(region: string): RegionPrices {
  if (!isRegionName(region)) {
    throw new Error(`no price catalog for region ${region}; known: ${REGIONS.join(', ')}`);
  }
  return PRICE_CATALOG[region];
}

/** Every SourcedPrice in a catalog with its path, for audits and the report's price table. */
export function listPrices(prices: RegionPrices): Array<{ path: string; price: SourcedPrice }> {
  const out: Array<{ path: string; price: SourcedPrice }> = [];
  const walk = (value: unknown, path: string): void => {
    if (isSourcedPrice(value)) {
      out.push({ path, price: value });
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) walk(child, path ? `${path}.${key}` : key);
    }
  };
  walk(prices, '');
  return out;
}

function isSourcedPrice(value: unknown): value is SourcedPrice {
  return value !== null && typeof value === 'object' && 'usd' in value && 'source' in value && 'asOf' in value;
}
