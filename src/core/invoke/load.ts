/**
 * Load mode: runs a scenario (the selected requests of the files, in order) over and over
 * from C concurrent workers, for N iterations or a duration, and sums up latency
 * percentiles, throughput and counts by status and by error kind.
 */

export interface LoadSample {
  latencyMs: number;
  /** HTTP status, when an answer came. */
  status?: number;
  /** UserError code when the request could not be built or sent. */
  error?: string;
  /** Expectations of the request that did not hold. */
  failedExpectations: number;
}

export interface LoadStats {
  iterations: number;
  requests: number;
  elapsedMs: number;
  /** Requests per second over the elapsed time. */
  throughput: number;
  latencyMs: { min: number; p50: number; p90: number; p99: number; max: number; mean: number };
  statuses: Record<string, number>;
  errors: Record<string, number>;
  failedExpectations: number;
  concurrency: number;
}

export interface LoadOptions {
  concurrency: number;
  /** Total scenario iterations across workers; or run for durationMs (whichever is given; both = first reached). */
  iterations?: number;
  durationMs?: number;
  /** One pass of the scenario; worker = 0..concurrency-1. */
  iteration: (worker: number, signal: AbortSignal) => Promise<LoadSample[]>;
  signal?: AbortSignal;
  onProgress?: (s: LoadStats) => void;
  progressEveryMs?: number;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return round(sorted[i]);
}

export function loadStats(samples: LoadSample[], elapsedMs: number, iterations: number, concurrency: number): LoadStats {
  const lat = samples.map((s) => s.latencyMs).sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  let failedExpectations = 0;
  for (const s of samples) {
    if (s.status !== undefined) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
    if (s.error) errors[s.error] = (errors[s.error] ?? 0) + 1;
    failedExpectations += s.failedExpectations;
  }
  return {
    iterations,
    requests: samples.length,
    elapsedMs: round(elapsedMs),
    throughput: elapsedMs > 0 ? round((samples.length * 1000) / elapsedMs) : 0,
    latencyMs: { min: percentile(lat, 0), p50: percentile(lat, 50), p90: percentile(lat, 90), p99: percentile(lat, 99), max: percentile(lat, 100), mean: lat.length ? round(lat.reduce((a, b) => a + b, 0) / lat.length) : 0 },
    statuses,
    errors,
    failedExpectations,
    concurrency,
  };
}

export async function runLoad(o: LoadOptions): Promise<LoadStats> {
  if (o.iterations === undefined && o.durationMs === undefined) throw new Error('runLoad needs iterations or durationMs');
  const samples: LoadSample[] = [];
  const started = performance.now();
  const stop = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, stop.signal]) : stop.signal;
  const timer = o.durationMs !== undefined ? setTimeout(() => stop.abort(), o.durationMs) : undefined;
  let begun = 0;
  let done = 0;
  const progress = o.onProgress ? setInterval(() => o.onProgress!(loadStats(samples, performance.now() - started, done, o.concurrency)), o.progressEveryMs ?? 250) : undefined;
  const worker = async (w: number) => {
    while (!signal.aborted && (o.iterations === undefined || begun < o.iterations)) {
      begun++;
      samples.push(...(await o.iteration(w, signal)));
      done++;
    }
  };
  try {
    await Promise.all(Array.from({ length: o.concurrency }, (_, w) => worker(w)));
  } finally {
    clearTimeout(timer);
    clearInterval(progress);
  }
  return loadStats(samples, performance.now() - started, done, o.concurrency);
}
