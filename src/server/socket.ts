import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { WHOLE_FRAME } from '../config/schema.ts';
import { errorMessage } from '../errors.ts';
import type { ClientToServerEvents, FramePayload, ServerToClientEvents } from '../protocol.ts';
import { cropJpeg } from '../vision/preprocess.ts';
import type { Authenticator } from './auth.ts';
import type { ServerContext } from './context.ts';
import { hostChecker, originAllowed } from './request-origin.ts';
import { daemonStatus } from './status.ts';

export interface LiveStream {
  stats(): { clients: number; framesSent: number; framesDroppedForSlowClients: number };
  close(): Promise<void>;
}

/** Clients that want frames (all, until they unsubscribe): one broadcast encodes a frame once for all. */
const FRAME_ROOM = 'frames';

const STATUS_INTERVAL_MS = 1000;

/**
 * socket.io on the HTTP server's port. A new client gets a snapshot, then live events. Frames go out
 * at a capped rate as volatile messages: a client whose connection is still busy with the previous
 * frame misses this one instead of building a queue.
 */
export function attachSocket(httpServer: HttpServer, ctx: ServerContext, auth: Authenticator): LiveStream {
  const hostAllowed = hostChecker(ctx.config.server);
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>>(httpServer, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    // the handshake carries the session cookie or a bearer token, and must come from our own origin
    allowRequest: (req, callback) => {
      if (!hostAllowed(req.headers.host)) {
        callback('unknown host refused', false);
        return;
      }
      if (!originAllowed(req.headers.origin, req.headers.host, ctx.config.server.corsOrigins)) {
        callback('cross-origin connection refused', false);
        return;
      }
      const ok = auth.identify(req.headers) !== null;
      callback(ok ? null : 'log in first', ok);
    },
  });
  const { bus, benches, config, logger } = ctx;

  // A session's connections close when it ends (logout, expiry): the next handshake needs a login.
  const bySession = new Map<string, Set<{ disconnect(close: boolean): unknown }>>();
  const offSessionEnd = auth.onSessionEnd((id) => {
    for (const socket of bySession.get(id) ?? []) socket.disconnect(true);
    bySession.delete(id);
  });

  io.on('connection', (socket) => {
    // the session may have ended between the handshake and now
    if (auth.identify(socket.request.headers) === null) {
      socket.disconnect(true);
      return;
    }
    const sessionId = auth.sessionId(socket.request.headers);
    if (sessionId) {
      const sockets = bySession.get(sessionId) ?? new Set();
      bySession.set(sessionId, sockets.add(socket));
      socket.on('disconnect', () => {
        sockets.delete(socket);
        if (sockets.size === 0 && bySession.get(sessionId) === sockets) bySession.delete(sessionId);
      });
    }
    socket.join(FRAME_ROOM);
    socket.emit('snapshot', {
      status: daemonStatus(ctx),
      slots: benches.slotViews(),
      ...(ctx.ocr ? { ocr: benches.slotTexts() } : {}),
      units: ctx.units.slotUnits(),
      inspected: benches.slotInspections(),
    });
    socket.on('frames:subscribe', (on) => {
      if (on === true) socket.join(FRAME_ROOM);
      else socket.leave(FRAME_ROOM);
    });
  });

  const offs = [
    bus.on('recognized', (p) => io.emit('recognized', p)),
    bus.on('ocr', (p) => io.emit('ocr', p)),
    bus.on('inspected', (p) => io.emit('inspected', p)),
    bus.on('cleared', (p) => io.emit('cleared', p)),
    bus.on('slot', (p) => io.emit('slot', p)),
    bus.on('catalog', (p) => io.emit('catalog', p)),
    bus.on('unit', (p) => io.emit('unit', p)),
    bus.on('camera', (p) => io.emit('camera', p)),
  ];

  const statusTimer = setInterval(() => {
    if (io.engine.clientsCount > 0) io.emit('status', daemonStatus(ctx));
  }, STATUS_INTERVAL_MS);

  const stats = { framesSent: 0, framesDroppedForSlowClients: 0 };
  // each camera's frames go out at the frame rate, one encode at a time per camera
  const streams = benches.list.map((b) => ({ pipeline: b.pipeline, lastSeq: -1, encoding: false }));
  const sendFrame = (stream: (typeof streams)[number]) => {
    const { pipeline } = stream;
    const frame = pipeline.latestFrame;
    if (stream.encoding || !frame || frame.seq === stream.lastSeq) return;
    stream.encoding = true;
    stream.lastSeq = frame.seq;
    // The pixels the recognizer decoded, when this frame was recognized: half the CPU of decoding
    // the camera's JPEG again (a 1280x720 frame: ~4.5 ms instead of ~7.7 ms).
    const width = Math.min(config.server.frameWidth, frame.width);
    const source = pipeline.decodedFrame(frame.seq, width) ?? frame.jpeg;
    cropJpeg(source, WHOLE_FRAME, { width, quality: 70 })
      .then((small) => {
        const payload: FramePayload = {
          camera: pipeline.camera,
          seq: frame.seq,
          at: frame.capturedAt,
          width: small.width,
          height: small.height,
          jpeg: small.jpeg,
        };
        // volatile: a client whose connection has not drained the last frame skips this one
        for (const id of io.sockets.adapter.rooms.get(FRAME_ROOM) ?? []) {
          if (io.sockets.sockets.get(id)?.conn.transport.writable) stats.framesSent++;
          else stats.framesDroppedForSlowClients++;
        }
        io.to(FRAME_ROOM).volatile.emit('frame', payload);
      })
      .catch((err) => logger.warn({ err: errorMessage(err), camera: pipeline.camera }, 'frame not streamed'))
      .finally(() => {
        stream.encoding = false;
      });
  };
  const frameTimer = setInterval(
    () => {
      if ((io.sockets.adapter.rooms.get(FRAME_ROOM)?.size ?? 0) === 0) return;
      for (const stream of streams) sendFrame(stream);
    },
    Math.round(1000 / config.server.frameRate),
  );

  return {
    stats: () => ({ clients: io.engine.clientsCount, ...stats }),
    async close() {
      clearInterval(statusTimer);
      clearInterval(frameTimer);
      for (const off of offs) off();
      offSessionEnd();
      io.disconnectSockets(true);
      // Not awaited: io.close() also closes the HTTP server, which waits for every open request;
      // fastify's close, right after, force-closes those connections.
      io.close();
    },
  };
}
