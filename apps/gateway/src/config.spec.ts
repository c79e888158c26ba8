import { loadGatewayConfig } from './config';

const SESSION_SECRET = 'a'.repeat(32);

describe(loadGatewayConfig.name, () => {
  it("handles one partition of the wall's topic at a time unless told otherwise, 1 to 64", () => {
    expect(loadGatewayConfig({ SESSION_SECRET }).wallPartitionsConcurrently).toBe(1);
    expect(loadGatewayConfig({ SESSION_SECRET, GATEWAY_PARTITIONS_CONCURRENTLY: '6' }).wallPartitionsConcurrently).toBe(
      6,
    );
    expect(() => loadGatewayConfig({ SESSION_SECRET, GATEWAY_PARTITIONS_CONCURRENTLY: '0' })).toThrow(
      /GATEWAY_PARTITIONS_CONCURRENTLY: .*got "0"/,
    );
    expect(() => loadGatewayConfig({ SESSION_SECRET, GATEWAY_PARTITIONS_CONCURRENTLY: '65' })).toThrow(
      /GATEWAY_PARTITIONS_CONCURRENTLY: .*got "65"/,
    );
  });
});
