import { TocsinMetrics } from './tocsin-metrics';

describe(TocsinMetrics.name, () => {
  it('exposes a batch as records consumed, lag per partition, batch duration and record ages', async () => {
    const sut = new TocsinMetrics('pipeline');
    sut.kafka.batchHandled({
      groupId: 'g-enrichment',
      topic: 'mentions.raw',
      partition: 3,
      records: 2,
      lag: 40,
      durationMs: 30,
      recordAgesMs: [100, 700],
    });
    const { body } = await sut.render();
    expect(body).toContain('tocsin_records_consumed_total{group="g-enrichment",topic="mentions.raw",app="pipeline"} 2');
    expect(body).toContain(
      'tocsin_consumer_lag_records{group="g-enrichment",topic="mentions.raw",partition="3",app="pipeline"} 40',
    );
    expect(body).toContain('tocsin_record_age_seconds_bucket{le="0.5",app="pipeline",group="g-enrichment"} 1');
    expect(body).toContain('tocsin_batch_duration_seconds_count{app="pipeline",group="g-enrichment"} 1');
  });

  it('counts produced records, dead letters and errors by their labels', async () => {
    const sut = new TocsinMetrics('ingest');
    sut.kafka.recordsProduced('mentions.raw', 500);
    sut.kafka.deadLettered('mentions.raw', 2);
    sut.countError('redis', 'connection');
    const { body } = await sut.render();
    expect(body).toContain('tocsin_records_produced_total{topic="mentions.raw",app="ingest"} 500');
    expect(body).toContain('tocsin_dead_letters_total{topic="mentions.raw",app="ingest"} 2');
    expect(body).toContain('tocsin_errors_total{component="redis",operation="connection",app="ingest"} 1');
  });

  it('includes the event-loop lag of the process', async () => {
    const { body } = await new TocsinMetrics('gateway').render();
    expect(body).toMatch(/^nodejs_eventloop_lag_seconds\{app="gateway"\} /m);
  });
});
