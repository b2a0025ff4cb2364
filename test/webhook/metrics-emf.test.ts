import { PowertoolsAdmissionMetrics, RATE_LIMITER_UNAVAILABLE_METRIC } from '../../services/webhook/src/metrics';

type EmfBlob = { _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> } } & Record<string, unknown>;

describe('admission metrics (Powertools EMF)', () => {
  let written: string[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    written = [];
    spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => spy.mockRestore());
  const blobs = (): EmfBlob[] => written.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as EmfBlob);

  it('publishes CallsAdmitted and AdmissionDecisionMs in namespace CallingAgent with Environment and Service', () => {
    new PowertoolsAdmissionMetrics('prod').admitted(12.5);
    const [blob] = blobs();
    expect(blob?._aws.CloudWatchMetrics[0]?.Namespace).toBe('CallingAgent');
    expect(blob?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['Environment', 'Service']]);
    expect(blob).toMatchObject({ Environment: 'prod', Service: 'webhook', CallsAdmitted: 1, AdmissionDecisionMs: 12.5 });
  });

  it('publishes CallsRejected with a Reason dimension, and the latency without it', () => {
    new PowertoolsAdmissionMetrics('prod').rejected('rate-limit-agent', 3);
    const all = blobs();
    const rejected = all.find((b) => 'CallsRejected' in b);
    const latency = all.find((b) => 'AdmissionDecisionMs' in b);
    expect(rejected?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['Environment', 'Service', 'Reason']]);
    expect(rejected?.Reason).toBe('rate-limit-agent');
    expect(latency?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['Environment', 'Service']]);
  });

  it('counts limiter outages', () => {
    new PowertoolsAdmissionMetrics('dev').limiterUnavailable();
    expect(blobs()[0]?.[RATE_LIMITER_UNAVAILABLE_METRIC]).toBe(1);
  });
});
