import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/index.ts';
import { cli, cliIntoHead } from '../helpers/cli.ts';
import { tempDir } from '../helpers/daemon.ts';

/** Real CLI processes on a real SQLite file: a slow start (node + tsx) on a busy 2-core machine. */
const CLI_STEPS = 180_000;

describe('benchsight recognitions list', { timeout: CLI_STEPS }, () => {
  let env: Record<string, string>;

  beforeAll(() => {
    const dataDir = tempDir('bs-cli-rec-');
    env = { BENCHSIGHT_DATA_DIR: dataDir };
    const db = Catalog.open(join(dataDir, 'benchsight.db'));
    const s21 = db.createBoard({ vendor: 'Bitmain', model: 'S21', kind: 'hashboard' });
    const s19 = db.createBoard({ vendor: 'Bitmain', model: 'S19j Pro', kind: 'hashboard' });
    db.createBoard({ vendor: 'Bitmain', model: 'S19j Pro control board', kind: 'control-board' });
    const base = Date.parse('2026-11-20T08:00:00Z');
    db.transaction(() => {
      for (let i = 0; i < 5000; i++) {
        const r = db.insertRecognition({
          at: base + i * 1000,
          camera: 'bench-1',
          slot: i % 2 ? 'left' : 'right',
          boardId: i % 2 ? s21.id : s19.id,
          score: 0.9,
          margin: 0.1,
          topk: [],
          modelId: 'm',
        });
        if (i === 4999)
          db.saveRecognitionText({
            recognitionId: r.id,
            lines: [
              {
                text: 'S21 HASHBOARD',
                confidence: 0.97,
                box: [
                  [0, 0],
                  [1, 0],
                  [1, 0.2],
                  [0, 0.2],
                ],
              },
            ],
            serial: 'ZYX12345678',
            partNumber: null,
            verdict: 'confirmed',
            visionBoardId: s21.id,
            textBoardId: s21.id,
            ms: 120,
          });
        // the last two right-slot rows (S19j Pro) were inspected: one with defects, one without
        if (i === 4998)
          db.saveInspection(r.id, {
            chipsExpected: 126,
            chipsFound: 125,
            chipsHidden: 0,
            defects: [
              { id: 37, label: 'chip 37', verdict: 'missing' },
              { id: 52, label: 'chip 52', verdict: 'differs' },
            ],
          });
        if (i === 4996)
          db.saveInspection(r.id, { chipsExpected: 126, chipsFound: 120, chipsHidden: 6, defects: [] });
      }
    });
    db.close();
  });

  it('--serial shows the serial and the text read off the board; --json rows carry the text', async () => {
    const r = await cli(['recognitions', 'list', '--serial', 'zyx12345678'], { env });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Bitmain S21');
    expect(r.stdout).toContain('serial ZYX12345678');
    expect(r.stdout).toContain('text "S21 HASHBOARD"');
    expect(r.stdout).toContain('1 of 1 shown');

    const j = await cli(['recognitions', 'list', '--json', '--limit', '2'], { env });
    const rows = JSON.parse(j.stdout).rows as {
      text: { serial: string; lines: { text: string }[] } | null;
    }[];
    expect(rows[0]!.text?.serial).toBe('ZYX12345678');
    expect(rows[0]!.text?.lines.map((l) => l.text)).toEqual(['S21 HASHBOARD']);
    expect(rows[1]!.text).toBeNull();
  });

  it('--board takes a model name; an ambiguous or unknown name lists the boards to choose from', async () => {
    const r = await cli(['recognitions', 'list', '--board', 's21', '--limit', '3'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 of 2500 shown');
    expect(r.stdout).not.toContain('S19j Pro');
    const exact = await cli(['recognitions', 'list', '--board', 'S19j Pro', '--limit', '1'], { env });
    expect(exact.stdout).toContain('1 of 2500 shown');
    const vague = await cli(['recognitions', 'list', '--board', 'S19'], { env });
    expect(vague.code).not.toBe(0);
    expect(vague.stderr).toMatch(
      /"S19" names 2 boards: 2 \(Bitmain S19j Pro\), 3 \(Bitmain S19j Pro control board\)/,
    );
    const none = await cli(['recognitions', 'list', '--board', 'T21'], { env });
    expect(none.stderr).toMatch(/no board is named "T21"/);
  });

  it('--defects lists inspected boards with defects and what they are, --no-defects those without; export takes them too', async () => {
    const bad = await cli(['recognitions', 'list', '--defects'], { env });
    expect(bad.stderr).not.toMatch(/Error/);
    expect(bad.code).toBe(0);
    expect(bad.stdout).toContain(
      'Bitmain S19j Pro  score 0.900 margin 0.100  chips 125/126, chip 37 missing, chip 52 differs',
    );
    expect(bad.stdout).toContain('1 of 1 shown');
    const good = await cli(['recognitions', 'list', '--no-defects'], { env });
    expect(good.stdout).toContain('chips 120/126 (6 hidden)\n');
    expect(good.stdout).not.toContain('chip 37');
    expect(good.stdout).toContain('1 of 1 shown');
    const csv = await cli(['recognitions', 'export', '--defects'], { env });
    const lines = csv.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('chip 37 missing; chip 52 differs');
  });

  it('piped into head, stops quietly (no EPIPE stack trace)', async () => {
    const r = await cliIntoHead(['recognitions', 'list', '--limit', '5000'], 2, env);
    expect(r.head.trim().split('\n')).toHaveLength(2);
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(r.code).toBe(0);
  });
});
