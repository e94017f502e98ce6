import { resolve } from 'node:path';
import type { CameraConfig, SupervisionConfig } from '../config/schema.ts';
import type { CaptureDriver, CaptureLogger } from './driver.ts';
import { createFolderDriver } from './folder.ts';
import { createStreamDriver } from './stream.ts';
import { SupervisedSource } from './supervisor.ts';
import type { FrameSource } from './types.ts';
import { createWebcamDriver } from './webcam.ts';

export type { CaptureLogger } from './driver.ts';
export type { CameraState, CameraStatus, Frame, FrameSource } from './types.ts';

export interface FrameSourceOptions {
  logger?: CaptureLogger;
}

/** The camera described by the config. Nothing is opened until `start()`. */
export function createFrameSource(
  camera: CameraConfig,
  supervision: SupervisionConfig,
  opts: FrameSourceOptions = {},
): FrameSource {
  let driver: CaptureDriver;
  switch (camera.kind) {
    case 'webcam':
      driver = createWebcamDriver(camera);
      break;
    case 'stream':
      driver = createStreamDriver(camera);
      break;
    case 'folder':
      driver = createFolderDriver({ ...camera, path: resolve(process.cwd(), camera.path) }, opts.logger);
      break;
  }
  return new SupervisedSource(driver, supervision, opts.logger);
}
