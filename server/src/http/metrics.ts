import type { Request, Response } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CollabMetrics } from '../collab/metrics.ts';

export interface MetricSources {
  sockets: () => { open: number; bufferedBytes: number };
  draftsLoaded: () => number;
}

/**
 * The Prometheus metrics of one server (`GET /metrics`), in a registry of its own: sockets,
 * drafts loaded, updates in and out, save latency, bytes queued for sockets, relay lag, and
 * Node's own (memory, event-loop lag, GC).
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly collab: CollabMetrics;

  constructor(sources: MetricSources, options: { nodeMetrics?: boolean } = {}) {
    const registers = [this.registry];
    // Node's own (memory, event-loop delay, GC) watch the whole process: for the one server it runs.
    if (options.nodeMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'margins_node_' });
    new Gauge({
      name: 'margins_sockets_open',
      help: 'Collaboration sockets open on this instance',
      registers,
      collect() {
        this.set(sources.sockets().open);
      },
    });
    new Gauge({
      name: 'margins_socket_buffered_bytes',
      help: 'Bytes queued for all sockets of this instance',
      registers,
      collect() {
        this.set(sources.sockets().bufferedBytes);
      },
    });
    new Gauge({
      name: 'margins_drafts_loaded',
      help: 'Documents (draft texts and threads rooms) loaded on this instance',
      registers,
      collect() {
        this.set(sources.draftsLoaded());
      },
    });
    const updatesIn = new Counter({
      name: 'margins_updates_in_total',
      help: "People's updates applied to live drafts",
      registers,
    });
    const updatesOut = new Counter({
      name: 'margins_updates_out_total',
      help: 'Update messages sent to sockets',
      registers,
    });
    const saves = new Histogram({
      name: 'margins_save_seconds',
      help: 'Time to save (compact) a draft',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    const lag = new Histogram({
      name: 'margins_relay_lag_seconds',
      help: "Time from another instance storing an update to its arrival here (clocks of the instances' machines)",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    });
    this.collab = {
      updateReceived: () => updatesIn.inc(),
      updateSent: (peers) => updatesOut.inc(peers),
      saved: (seconds) => saves.observe(seconds),
      relayed: (seconds) => lag.observe(seconds),
    };
  }

  readonly handler = async (_req: Request, res: Response): Promise<void> => {
    res.setHeader('Content-Type', this.registry.contentType);
    res.send(await this.registry.metrics());
  };
}
