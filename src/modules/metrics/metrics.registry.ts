import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
} from 'prom-client';

/**
 * The Prometheus metrics of one app instance (deps.metrics). Each instance has a Registry of its
 * own: tests build many apps in one process, and two of them must neither share counts nor
 * register the same name twice. Process metrics (memory, CPU, event loop, GC) are the process's,
 * not an app's: they live in one registry per process (processRegistry), created on first use,
 * because collectDefaultMetrics starts an event-loop monitor and a GC observer each call.
 */

export type ConsumeVia = 'api' | 'play_page';
/** `consumed`: this call consumed the token; `refused`: it was already consumed, expired or unknown. */
export type ConsumeResult = 'consumed' | 'refused';
/** The outcomes of src/modules/webhooks/webhooks.delivery.ts (DeliveryOutcome). */
export type WebhookOutcome = 'delivered' | 'retrying' | 'failed' | 'skipped';
export type JobOutcome = 'completed' | 'failed';

/** A value read when Prometheus scrapes, registered once the process's deps exist. */
export type ScrapeSource = (metrics: Metrics) => Promise<void>;

/** Request latency buckets (seconds): a play page answers in milliseconds, a CSV import in seconds. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Job wait and run buckets (seconds): from a NOTIFY-woken job to a backlog of minutes. */
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly sessionConsumes: Counter<'via' | 'result'>;
  readonly webhookDeliveries: Counter<'outcome'>;
  readonly jobWait: Histogram<'queue'>;
  readonly jobRun: Histogram<'queue' | 'outcome'>;
  readonly pool: Gauge<'state'>;
  readonly queueDepth: Gauge<'queue' | 'state'>;
  readonly campaignsSending: Gauge;
  readonly campaignMessages: Gauge<'status'>;
  private readonly sources: ScrapeSource[] = [];

  constructor() {
    const registers = [this.registry];
    const counter = <T extends string>(config: CounterConfiguration<T>) =>
      new Counter<T>({ ...config, registers });
    this.httpRequests = counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route template (`unmatched`: no route) and status',
      labelNames: ['method', 'route', 'status'],
    });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method and route template',
      labelNames: ['method', 'route'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.sessionConsumes = counter({
      name: 'playloop_session_consumes_total',
      help: 'Session token consumes: through the API (consume-session) or a play page start',
      labelNames: ['via', 'result'],
    });
    this.webhookDeliveries = counter({
      name: 'playloop_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome (skipped: not due, taken, or target disabled)',
      labelNames: ['outcome'],
    });
    this.jobWait = new Histogram({
      name: 'playloop_job_wait_seconds',
      help: 'Time from when a job could start (created, or its start-after time) to a worker starting it',
      labelNames: ['queue'],
      buckets: JOB_BUCKETS,
      registers,
    });
    this.jobRun = new Histogram({
      name: 'playloop_job_run_seconds',
      help: "Time a job's handler ran in this process, by queue and outcome",
      labelNames: ['queue', 'outcome'],
      buckets: JOB_BUCKETS,
      registers,
    });
    const gauge = <T extends string>(name: string, help: string, labelNames: readonly T[]) =>
      new Gauge<T>({ name, help, labelNames, registers });
    this.pool = gauge(
      'playloop_db_pool_connections',
      'Database pool of this process: size (most connections), in_use, waiting (requests queued for one)',
      ['state'],
    );
    this.queueDepth = gauge(
      'playloop_job_queue_jobs',
      'Jobs of each queue by state: waiting (ready to run), deferred (start later), active',
      ['queue', 'state'],
    );
    this.campaignsSending = gauge(
      'playloop_campaigns_sending',
      'Campaigns with status sending',
      [],
    );
    this.campaignMessages = gauge(
      'playloop_campaign_messages',
      "Messages of the campaigns now sending, by status (the campaigns' counters)",
      ['status'],
    );
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpDuration.observe({ method, route }, seconds);
  }

  sessionConsume(via: ConsumeVia, result: ConsumeResult): void {
    this.sessionConsumes.inc({ via, result });
  }

  webhookDelivery(outcome: WebhookOutcome): void {
    this.webhookDeliveries.inc({ outcome });
  }

  /** One job run: `waitSeconds` from ready to started, `runSeconds` of its handler. */
  jobDone(queue: string, waitSeconds: number, runSeconds: number, outcome: JobOutcome): void {
    this.jobWait.observe({ queue }, Math.max(0, waitSeconds));
    this.jobRun.observe({ queue, outcome }, runSeconds);
  }

  /** Adds a value read at scrape time (database pool, queue depth, campaign progress). */
  addSource(source: ScrapeSource): void {
    this.sources.push(source);
  }

  /**
   * The exposition text: scrape-time values first, then this app's metrics and the process's.
   * A source that fails (the database is down) leaves its gauges at their last values and the
   * rest of the scrape answers: an outage must not blind the metrics that show it.
   */
  async text(onSourceError: (error: unknown) => void): Promise<string> {
    const results = await Promise.allSettled(this.sources.map((source) => source(this)));
    for (const result of results) if (result.status === 'rejected') onSourceError(result.reason);
    return (await this.registry.metrics()) + (await processRegistry().metrics());
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

let processMetrics: Registry | undefined;

/** The process's default metrics (prom-client's), registered once per process. */
export function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}
