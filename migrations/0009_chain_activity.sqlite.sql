-- What the chain says of each orchestrator as of the last read: the pool's
-- facts (stake, cuts, rounds), both registries' URIs beside the gateway's
-- (and where they disagree), and its activity in the read's window: winning
-- tickets redeemed and reward calls. Every read replaces the whole table.
-- Numbers that may exceed 64 bits (wei, rounds, cuts) are decimal text.
CREATE TABLE chain_orchestrators (
    address               VARCHAR(42) PRIMARY KEY,
    on_chain              BOOLEAN NOT NULL DEFAULT FALSE,
    in_gateway            BOOLEAN NOT NULL DEFAULT FALSE,
    active                BOOLEAN NOT NULL DEFAULT FALSE,
    chain_service_uri     TEXT NOT NULL DEFAULT '',
    chain_ai_service_uri  TEXT NOT NULL DEFAULT '',
    gateway_service_uri   TEXT NOT NULL DEFAULT '',
    disagreements         TEXT NOT NULL DEFAULT '',
    stake                 TEXT NOT NULL DEFAULT '',
    reward_cut            TEXT NOT NULL DEFAULT '',
    fee_share             TEXT NOT NULL DEFAULT '',
    activation_round      TEXT NOT NULL DEFAULT '',
    deactivation_round    TEXT NOT NULL DEFAULT '',
    last_reward_round     TEXT NOT NULL DEFAULT '',
    current_round         TEXT NOT NULL DEFAULT '',
    tickets_redeemed      BIGINT NOT NULL DEFAULT 0,
    face_value            TEXT NOT NULL DEFAULT '0',
    last_redemption_block BIGINT NOT NULL DEFAULT 0,
    last_redemption_at    DATETIME,
    rewards               BIGINT NOT NULL DEFAULT 0,
    reward_amount         TEXT NOT NULL DEFAULT '0',
    last_reward_block     BIGINT NOT NULL DEFAULT 0,
    last_reward_at        DATETIME,
    window_from_block     BIGINT NOT NULL DEFAULT 0,
    window_to_block       BIGINT NOT NULL DEFAULT 0,
    window_days           INTEGER NOT NULL DEFAULT 0,
    read_at               DATETIME NOT NULL
);
