-- A second reviewer for rejections (docs/verification.md, "Two reviewers for a rejection"):
-- a first rejection is kept as a proposal that changes nothing; the decision that settles it
-- (the second reviewer's) names the first reviewer.
ALTER TABLE decisions ADD COLUMN proposed_by text;

CREATE TABLE proposals (
    proposal_id bigserial PRIMARY KEY,
    support_id  text NOT NULL,
    reason      text NOT NULL,
    note        text NOT NULL,
    actor       text NOT NULL,
    proposed_at timestamptz NOT NULL,
    decision_id bigint REFERENCES decisions
);
-- One open proposal per support; settled ones stay for the record.
CREATE UNIQUE INDEX proposals_open ON proposals (support_id) WHERE decision_id IS NULL;

