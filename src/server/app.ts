import multipart from '@fastify/multipart';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { installAccessControl, type RouteAccess } from './access.ts';
import { Authenticator } from './auth.ts';
import type { ServerContext } from './context.ts';
import { errorHandler } from './http-errors.ts';
import { createMetrics } from './metrics.ts';
import { authRoutes } from './routes/auth.ts';
import { boardRoutes } from './routes/boards.ts';
import { captureRoutes } from './routes/captures.ts';
import { centralRoutes } from './routes/central.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { hardwareRoutes } from './routes/hardware.ts';
import { historyRoutes } from './routes/history.ts';
import { inspectionRoutes } from './routes/inspection.ts';
import { liveRoutes } from './routes/live.ts';
import { modelRoutes } from './routes/models.ts';
import { ocrRoutes } from './routes/ocr.ts';
import { recognitionRoutes } from './routes/recognitions.ts';
import { unitRoutes } from './routes/units.ts';
import { MAX_UPLOAD_FILES } from './schemas.ts';
import { attachSocket, type LiveStream } from './socket.ts';
import { daemonStatus } from './status.ts';

/** HTTP API, dashboard and socket.io on one port. */
export class BenchServer {
  readonly #ctx: ServerContext;
  #app: FastifyInstance | null = null;
  #socket: LiveStream | null = null;
  #metricsStop: (() => void) | null = null;
  #auth: Authenticator | null = null;
  #routes: () => readonly RouteAccess[] = () => [];

  constructor(ctx: ServerContext) {
    this.#ctx = ctx;
  }

  /** The bound port (useful with port 0 in tests). */
  get port(): number {
    const addr = this.#app?.server.address();
    return addr && typeof addr === 'object' ? addr.port : 0;
  }

  /** Every route the router holds, with the access it declares (see access.ts). */
  get routes(): readonly RouteAccess[] {
    return this.#routes();
  }

  async start(): Promise<void> {
    const { config, logger } = this.#ctx;
    const app = Fastify({
      loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
      // No access log per request: a dashboard polls; server errors are logged by errorHandler.
      logController: new LogController({ disableRequestLogging: true }),
      bodyLimit: 256 * 1024,
      forceCloseConnections: true,
    });
    app.setErrorHandler(errorHandler);
    const auth = new Authenticator(config);
    this.#auth = auth;
    auth.start();
    this.#routes = installAccessControl(app, auth, config);
    app.addHook('onSend', async (_req, reply) => {
      reply.header('x-content-type-options', 'nosniff');
    });
    await app.register(multipart, {
      limits: { fileSize: config.server.maxUploadBytes, files: MAX_UPLOAD_FILES, fields: 10, parts: 40 },
      throwFileSizeLimit: true,
    });
    const metrics = createMetrics(
      () => daemonStatus(this.#ctx),
      () => this.#socket?.stats() ?? { clients: 0, framesSent: 0, framesDroppedForSlowClients: 0 },
      this.#ctx.bus,
    );
    this.#metricsStop = metrics.stop;
    liveRoutes(app, this.#ctx, metrics.registry);
    boardRoutes(app, this.#ctx);
    captureRoutes(app, this.#ctx);
    recognitionRoutes(app, this.#ctx);
    centralRoutes(app, this.#ctx);
    modelRoutes(app, this.#ctx);
    authRoutes(app, this.#ctx, auth);
    historyRoutes(app, this.#ctx);
    ocrRoutes(app, this.#ctx);
    inspectionRoutes(app, this.#ctx);
    unitRoutes(app, this.#ctx);
    hardwareRoutes(app);
    await dashboardRoutes(app, this.#ctx);
    app.setNotFoundHandler((req, reply) => {
      const path = req.url.split('?')[0] ?? '';
      void reply.status(404).send({
        error: {
          code: 'E_NOT_FOUND',
          message: `no route ${req.method} ${path.length > 200 ? `${path.slice(0, 200)}...` : path}; the API is listed in the README`,
        },
      });
    });
    this.#socket = attachSocket(app.server, this.#ctx, auth);
    await app.listen({ host: config.server.host, port: config.server.port });
    this.#app = app;
  }

  async stop(): Promise<void> {
    await this.#socket?.close();
    this.#auth?.stop();
    this.#metricsStop?.();
    await this.#app?.close();
    this.#app = null;
  }
}
