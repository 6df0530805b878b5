-- The hearing (docs/hearing.md): an aspirant's supports that do not count, in keyset order.
-- Only those rows are indexed; contests are the desk's referrals of cause AUDIENCIA.
CREATE INDEX supports_hearing ON supports (process_id, aspirant_id, received_at, support_id)
    WHERE status NOT IN ('EN_LISTA_NOMINAL', 'RECIBIDO');
