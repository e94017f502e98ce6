// Runs in every test file (vitest.config.ts, setupFiles): its afterAll, registered first, runs after
// the file's own hooks have stopped their daemons, and removes the folders the file's tests made.
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp.ts';

afterAll(() => removeTempDirs());
