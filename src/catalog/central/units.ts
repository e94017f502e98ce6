import type { UnitStatus } from '../../protocol.ts';
import type { CentralClient } from './connection.ts';
import type { CentralUnitQuery, CentralUnitSummary, InboundUnits, OutboundChange, ShopKey } from './types.ts';

type Row = Record<string, unknown>;
type UnitChange = Extract<OutboundChange, { entity: `unit${string}` }>;

/** The unit tables' revisions, for the pull's union of revisions (pull.ts). */
export const UNIT_REVS = `SELECT rev FROM units WHERE rev > $1 UNION ALL SELECT rev FROM unit_visits WHERE rev > $1
  UNION ALL SELECT rev FROM unit_status_changes WHERE rev > $1 UNION ALL SELECT rev FROM unit_notes WHERE rev > $1`;

/**
 * Stores one queued unit change, keyed so that a resend stores nothing twice: a unit by its serial (its
 * board: the later edit wins), a visit by its shop-wide name (the latest end wins), a status change or
 * note by its shop-wide name (inserted once; a status change newer than the unit's moves its status),
 * a link by box, recognition, serial and source. Runs inside push's transaction, under its lock.
 */
export async function pushUnitChange(client: CentralClient, box: string, c: UnitChange): Promise<void> {
  if (c.entity === 'unit') {
    const u = c.unit;
    await client.query(
      `INSERT INTO units (serial, board_origin_box, board_origin_id, board_at, created_at, first_box, rev, changed_by)
       VALUES ($1, $2, $3, $4, $5, $6, nextval('catalog_rev'), $6)
       ON CONFLICT (serial) DO UPDATE SET
         board_origin_box = EXCLUDED.board_origin_box, board_origin_id = EXCLUDED.board_origin_id,
         board_at = EXCLUDED.board_at, created_at = least(units.created_at, EXCLUDED.created_at),
         rev = EXCLUDED.rev, changed_by = EXCLUDED.changed_by
       WHERE EXCLUDED.board_origin_box IS NOT NULL
         AND (units.board_origin_box IS NULL OR units.board_at < EXCLUDED.board_at)
         AND (units.board_origin_box, units.board_origin_id) IS DISTINCT FROM
           (EXCLUDED.board_origin_box, EXCLUDED.board_origin_id)`,
      [u.serial, u.board?.box ?? null, u.board?.id ?? null, u.board ? u.boardAt : null, u.createdAt, box],
    );
    return;
  }
  if (c.entity === 'unit-visit') {
    const v = c.visit;
    await ensureUnit(client, box, v.serial, v.startedAt);
    await client.query(
      `INSERT INTO unit_visits (origin_box, origin_id, serial, started_at, last_seen_at, camera, slot, rev, changed_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, nextval('catalog_rev'), $8)
       ON CONFLICT (origin_box, origin_id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at,
         camera = coalesce(EXCLUDED.camera, unit_visits.camera), slot = coalesce(EXCLUDED.slot, unit_visits.slot),
         rev = EXCLUDED.rev, changed_by = EXCLUDED.changed_by
       WHERE EXCLUDED.last_seen_at > unit_visits.last_seen_at`,
      [v.key.box, v.key.id, v.serial, v.startedAt, v.lastSeenAt, v.camera, v.slot, box],
    );
    return;
  }
  if (c.entity === 'unit-status') {
    const s = c.statusChange;
    await ensureUnit(client, box, s.serial, s.at);
    const inserted = await client.query(
      `INSERT INTO unit_status_changes (origin_box, origin_id, serial, at, from_status, status, author, rev)
       VALUES ($1, $2, $3, $4, $5, $6, $7, nextval('catalog_rev')) ON CONFLICT DO NOTHING`,
      [s.key.box, s.key.id, s.serial, s.at, s.from, s.status, s.author],
    );
    if (inserted.rowCount === 0) return;
    // the later change wins; the same instant goes to the box named last, so every replay decides alike
    await client.query(
      `UPDATE units SET status = $2, status_at = $3, status_box = $4 WHERE serial = $1
         AND (status_at IS NULL OR (status_at, status_box) < ($3::bigint, $4::text))`,
      [s.serial, s.status, s.at, s.key.box],
    );
    return;
  }
  if (c.entity === 'unit-note') {
    const n = c.note;
    await ensureUnit(client, box, n.serial, n.at);
    await client.query(
      `INSERT INTO unit_notes (origin_box, origin_id, serial, at, author, text, rev)
       VALUES ($1, $2, $3, $4, $5, $6, nextval('catalog_rev')) ON CONFLICT DO NOTHING`,
      [n.key.box, n.key.id, n.serial, n.at, n.author, n.text],
    );
    return;
  }
  const l = c.link;
  await client.query(
    `INSERT INTO unit_recognitions (box, recognition_id, serial, source, visit_origin_box, visit_origin_id, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
    [l.box, l.recognitionId, l.serial, l.source, l.visit?.box ?? null, l.visit?.id ?? null, l.at],
  );
}

/** A visit, status or note names its unit by serial: the unit exists before them (sent first, in order). */
async function ensureUnit(client: CentralClient, box: string, serial: string, at: number): Promise<void> {
  await client.query(
    `INSERT INTO units (serial, created_at, first_box, rev, changed_by)
     VALUES ($1, $2, $3, nextval('catalog_rev'), $3) ON CONFLICT (serial) DO NOTHING`,
    [serial, at, box],
  );
}

const key = (box: unknown, id: unknown): ShopKey => ({ box: box as string, id: Number(id) });

/** Unit rows with revisions in (from, upto], inside pull's snapshot. */
export async function pullUnits(client: CentralClient, range: number[]): Promise<InboundUnits> {
  const where = 'WHERE rev > $1 AND rev <= $2 ORDER BY rev';
  const [units, visits, statuses, notes] = [
    await client.query(
      `SELECT serial, board_origin_box, board_origin_id, board_at, created_at, status FROM units ${where}`,
      range,
    ),
    await client.query(
      `SELECT origin_box, origin_id, serial, started_at, last_seen_at, camera, slot FROM unit_visits ${where}`,
      range,
    ),
    await client.query(
      `SELECT origin_box, origin_id, serial, at, from_status, status, author FROM unit_status_changes ${where}`,
      range,
    ),
    await client.query(
      `SELECT origin_box, origin_id, serial, at, author, text FROM unit_notes ${where}`,
      range,
    ),
  ];
  return {
    units: units.rows.map((r: Row) => ({
      serial: r.serial as string,
      board: r.board_origin_box === null ? null : key(r.board_origin_box, r.board_origin_id),
      boardAt: Number(r.board_at ?? 0),
      createdAt: Number(r.created_at),
      status: r.status as UnitStatus,
    })),
    visits: visits.rows.map((r: Row) => ({
      key: key(r.origin_box, r.origin_id),
      serial: r.serial as string,
      startedAt: Number(r.started_at),
      lastSeenAt: Number(r.last_seen_at),
      camera: r.camera as string | null,
      slot: r.slot as string | null,
    })),
    statusChanges: statuses.rows.map((r: Row) => ({
      key: key(r.origin_box, r.origin_id),
      serial: r.serial as string,
      at: Number(r.at),
      from: r.from_status as UnitStatus | null,
      status: r.status as UnitStatus,
      author: r.author as string,
    })),
    notes: notes.rows.map((r: Row) => ({
      key: key(r.origin_box, r.origin_id),
      serial: r.serial as string,
      at: Number(r.at),
      author: r.author as string,
      text: r.text as string,
    })),
  };
}

const UNIT_SUMMARY = `
  SELECT u.serial, u.board_origin_box, u.board_origin_id, u.status, u.first_box,
    coalesce(v.first_seen, u.created_at) AS first_seen, coalesce(v.last_seen, u.created_at) AS last_seen,
    coalesce(v.n, 0) AS visits, coalesce(lv.changed_by, u.first_box) AS box,
    n.at AS note_at, n.author AS note_author, n.text AS note_text
  FROM units u
  LEFT JOIN LATERAL (SELECT min(started_at) AS first_seen, max(last_seen_at) AS last_seen, count(*)::int AS n
    FROM unit_visits WHERE serial = u.serial) v ON true
  LEFT JOIN LATERAL (SELECT changed_by FROM unit_visits WHERE serial = u.serial
    ORDER BY last_seen_at DESC, origin_box DESC, origin_id DESC LIMIT 1) lv ON true
  LEFT JOIN LATERAL (SELECT at, author, text FROM unit_notes WHERE serial = u.serial
    ORDER BY at DESC, origin_box DESC, origin_id DESC LIMIT 1) n ON true`;

/**
 * The shop's units, most recently seen first. `box`: units that box saw (created, or a visit it
 * started or extended); each row's `box` is the one that saw the unit last.
 */
export async function queryCentralUnits(
  client: CentralClient,
  q: CentralUnitQuery,
): Promise<{ rows: CentralUnitSummary[]; total: number }> {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    let i = 0;
    parts.push(sql.replace(/\?/g, () => `$${params.push(values[i++])}`));
  };
  if (q.box !== '*')
    add(
      `(s.first_box = ? OR EXISTS (SELECT 1 FROM unit_visits w WHERE w.serial = s.serial
         AND (w.origin_box = ? OR w.changed_by = ?)))`,
      q.box,
      q.box,
      q.box,
    );
  if (q.serial) add(`s.serial LIKE ? ESCAPE '\\'`, `%${q.serial.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (q.board) add('s.board_origin_box = ? AND s.board_origin_id = ?', q.board.box, q.board.id);
  if (q.status) add('s.status = ?', q.status);
  if (q.returning !== undefined) add(q.returning ? 's.visits > 1' : 's.visits <= 1');
  const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
  const count = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (${UNIT_SUMMARY}) s ${where}`,
    params,
  );
  const page = await client.query(
    `SELECT * FROM (${UNIT_SUMMARY}) s ${where} ORDER BY last_seen DESC, serial DESC
     LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, q.limit, q.offset],
  );
  return {
    total: count.rows[0]?.n ?? 0,
    rows: page.rows.map((r: Row) => ({
      serial: r.serial as string,
      board: r.board_origin_box === null ? null : key(r.board_origin_box, r.board_origin_id),
      status: r.status as UnitStatus,
      firstSeen: Number(r.first_seen),
      lastSeen: Number(r.last_seen),
      visits: Number(r.visits),
      lastNote:
        r.note_at === null
          ? null
          : { at: Number(r.note_at), author: r.note_author as string, text: r.note_text as string },
      box: r.box as string,
    })),
  };
}

/** Central rows of one unit, for exactly-once checks and `central status`. */
export async function countCentralUnitEvents(
  client: CentralClient,
  serial: string,
): Promise<{ visits: number; statusChanges: number; notes: number; links: number }> {
  const { rows } = await client.query<{ v: number; s: number; n: number; l: number }>(
    `SELECT (SELECT count(*)::int FROM unit_visits WHERE serial = $1) AS v,
       (SELECT count(*)::int FROM unit_status_changes WHERE serial = $1) AS s,
       (SELECT count(*)::int FROM unit_notes WHERE serial = $1) AS n,
       (SELECT count(*)::int FROM unit_recognitions WHERE serial = $1) AS l`,
    [serial],
  );
  const r = rows[0] ?? { v: 0, s: 0, n: 0, l: 0 };
  return { visits: r.v, statusChanges: r.s, notes: r.n, links: r.l };
}
