/**
 * trades.db (bun:sqlite, WAL): the live engine's durable state (DESIGN §4, spec §3.5).
 * Each migration step runs once, in order, inside a transaction; `PRAGMA user_version` records
 * how far a database has come, so an older trades.db is upgraded in place on start.
 * Amounts are integers in base units (lamports, raw token units); times are Unix ms.
 */
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE trades (
    id                  INTEGER PRIMARY KEY,
    position_id         TEXT NOT NULL UNIQUE,
    mint                TEXT NOT NULL,
    pool                TEXT NOT NULL,
    creator             TEXT,
    mode                TEXT NOT NULL CHECK (mode IN ('paper','live')),
    status              TEXT NOT NULL CHECK (status IN ('opening','open','closing','closed','failed')),
    entry_ts            INTEGER,
    entry_slot          INTEGER,
    entry_sig           TEXT,
    entry_price_sol     REAL,
    amount_in_lamports  INTEGER,
    tokens_raw          INTEGER,
    exit_ts             INTEGER,
    exit_sig            TEXT,
    exit_price_sol      REAL,
    amount_out_lamports INTEGER,
    fees_lamports       INTEGER NOT NULL DEFAULT 0,
    pnl_lamports        INTEGER,
    exit_reason         TEXT,
    phase_at_exit       TEXT,
    params_hash         TEXT,
    entry_reason        TEXT,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
  );
  CREATE INDEX trades_status ON trades(status);
  CREATE INDEX trades_mint ON trades(mint);

  CREATE TABLE portfolio_summary (
    id                     INTEGER PRIMARY KEY CHECK (id = 1),
    realised_pnl_lamports  INTEGER NOT NULL DEFAULT 0,
    peak_pnl_lamports      INTEGER NOT NULL DEFAULT 0,
    trades_closed          INTEGER NOT NULL DEFAULT 0,
    wins                   INTEGER NOT NULL DEFAULT 0,
    losses                 INTEGER NOT NULL DEFAULT 0,
    volume_in_lamports     INTEGER NOT NULL DEFAULT 0,
    fees_lamports          INTEGER NOT NULL DEFAULT 0,
    updated_at             INTEGER NOT NULL
  );
  INSERT INTO portfolio_summary (id, updated_at) VALUES (1, 0);

  CREATE TABLE portfolio_daily (
    day                    TEXT PRIMARY KEY,
    realised_pnl_lamports  INTEGER NOT NULL DEFAULT 0,
    trades_closed          INTEGER NOT NULL DEFAULT 0,
    wins                   INTEGER NOT NULL DEFAULT 0
  );

  CREATE TABLE circuit_breaker_events (
    id         INTEGER PRIMARY KEY,
    ts         INTEGER NOT NULL,
    from_tier  TEXT NOT NULL,
    to_tier    TEXT NOT NULL,
    reason     TEXT NOT NULL,
    figures    TEXT NOT NULL
  );

  CREATE TABLE sniper_cache (
    mint        TEXT PRIMARY KEY,
    verdict     TEXT NOT NULL CHECK (verdict IN ('pass','fail','error')),
    reasons     TEXT NOT NULL,
    checked_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
  );

  CREATE TABLE creator_reputation_cache (
    creator       TEXT PRIMARY KEY,
    tokens_seen   INTEGER NOT NULL DEFAULT 0,
    rugs          INTEGER NOT NULL DEFAULT 0,
    last_seen_ts  INTEGER,
    score         REAL NOT NULL DEFAULT 0,
    updated_at    INTEGER NOT NULL
  );

  CREATE TABLE test_analysis (
    id           INTEGER PRIMARY KEY,
    run_id       TEXT NOT NULL,
    mint         TEXT NOT NULL,
    verdict      TEXT NOT NULL,
    honeypot_ok  INTEGER,
    safety_ok    INTEGER,
    reasons      TEXT NOT NULL,
    latency_ms   REAL,
    analysed_at  INTEGER NOT NULL
  );
  CREATE INDEX test_analysis_run ON test_analysis(run_id);

  CREATE TABLE address_lookup_tables (
    address     TEXT PRIMARY KEY,
    addresses   TEXT NOT NULL,
    slot        INTEGER,
    fetched_at  INTEGER NOT NULL
  );

  CREATE TABLE token_metadata_cache (
    mint           TEXT PRIMARY KEY,
    token_program  TEXT NOT NULL,
    decimals       INTEGER NOT NULL,
    name           TEXT,
    symbol         TEXT,
    uri            TEXT,
    fetched_at     INTEGER NOT NULL
  );

  CREATE TABLE transaction_cache (
    signature   TEXT PRIMARY KEY,
    slot        INTEGER,
    data        BLOB,
    fetched_at  INTEGER NOT NULL
  );

  CREATE TABLE metadata (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
  );
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export const TABLES = [
  "trades",
  "portfolio_summary",
  "portfolio_daily",
  "circuit_breaker_events",
  "sniper_cache",
  "creator_reputation_cache",
  "test_analysis",
  "address_lookup_tables",
  "token_metadata_cache",
  "transaction_cache",
  "metadata",
] as const;
