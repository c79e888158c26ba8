// Suites against real Kafka, Redis and browsers wait on servers, not on CPU alone.
jest.setTimeout(120_000);
