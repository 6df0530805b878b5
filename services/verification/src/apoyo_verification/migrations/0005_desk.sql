-- The review desk (docs/verification.md, "The review desk"). A support is on the desk while it
-- has an open referral; a decision closes every open referral of its support at once.

-- What verification was given (the `identity.decoded` message): the evidence references the
-- reviewer looks at, and what re-verification judges again. NULL for supports recorded before.
ALTER TABLE supports
    ADD COLUMN decoded    jsonb,
    ADD COLUMN judged_cut date;

-- Decisions are appended, never changed: who, when, why, and which referrals they closed.
CREATE TABLE decisions (
    decision_id bigserial PRIMARY KEY,
    support_id  text NOT NULL,
    ruling      text NOT NULL CHECK (ruling IN ('VALIDO', 'INCONSISTENCIA')),
    reason      text,
    note        text NOT NULL,
    actor       text NOT NULL,
    causes      text[] NOT NULL,
    decided_at  timestamptz NOT NULL
);
CREATE INDEX decisions_support ON decisions (support_id, decision_id);

-- One referral per support and cause (Desk.refer is idempotent on that pair); the process and
-- aspirant are copied from the support so that the queue is read from open referrals alone.
CREATE TABLE referrals (
    support_id  text NOT NULL,
    cause       text NOT NULL,
    process_id  text NOT NULL,
    aspirant_id text NOT NULL,
    actor       text NOT NULL,
    note        text NOT NULL,
    referred_at timestamptz NOT NULL,
    decision_id bigint REFERENCES decisions,
    PRIMARY KEY (support_id, cause)
);
CREATE INDEX referrals_open ON referrals (process_id, support_id) WHERE decision_id IS NULL;
CREATE INDEX referrals_aspirant_cause ON referrals (process_id, aspirant_id, cause);

-- INE's sample, one per aspirant: its size and seed are kept so that the draw can be repeated.
CREATE TABLE samples (
    process_id   text NOT NULL,
    aspirant_id  text NOT NULL,
    size         integer NOT NULL,
    seed         bigint NOT NULL,
    drawn        integer NOT NULL,
    actor        text NOT NULL,
    drawn_at     timestamptz NOT NULL,
    escalated_at timestamptz,
    escalated    integer,
    PRIMARY KEY (process_id, aspirant_id)
);
