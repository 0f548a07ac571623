package voting

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"maeul"
	"maeul/assembly"
	"maeul/database"
)

// The one statement that consumes a code and stores its ballot, sealed, in
// the holding table the mixer empties (mix.go), with the receipt's hash in
// a table of its own. A used, revoked or unknown code (or an online code
// outside the window) updates no row, so nothing is inserted and the
// statement answers 0. The trigger on pending_ballots refuses the insert
// unless the assembly is open, and holds the assembly row FOR SHARE so a
// close waits for this transaction.
func consumeSQL(col string) string {
	return `WITH u AS (
	UPDATE codes SET used = true, nonce_hash = $3, receipt_box = $4
	WHERE assembly_id = $1 AND ` + col + ` = $2 AND NOT used AND revoked_at IS NULL
	  AND (channel = 'onsite'
	    OR channel = 'online' AND EXISTS (SELECT 1 FROM assemblies a WHERE a.id = $1
	       AND (a.online_from IS NULL OR now() >= a.online_from) AND (a.online_until IS NULL OR now() < a.online_until))
	    OR channel = 'early' AND EXISTS (SELECT 1 FROM booths b WHERE b.id = codes.booth_id
	       AND now() >= b.starts_at AND now() < b.ends_at))
	RETURNING channel
), p AS (
	INSERT INTO pending_ballots (assembly_id, channel, sealed) SELECT $1, channel, $5 FROM u RETURNING 1
), r AS (
	INSERT INTO receipts (assembly_id, receipt_hash) SELECT $1, $6 FROM u RETURNING 1
)
SELECT count(*)::int FROM p`
}

var consumeBy = map[string]string{"qr_hash": consumeSQL("qr_hash"), "short_hash": consumeSQL("short_hash")}

// ballotJob is one ballot waiting for a commit.
type ballotJob struct {
	assemblyID  int64
	col         string
	hash        []byte
	nonceHash   []byte
	box         []byte // the receipt box: only the code + nonce holder opens it
	sealed      []byte // the choices, sealed under the service secret
	receiptHash []byte

	inserted bool
	err      error
	done     chan struct{}
}

// Group commit: ballots that arrive while a commit is in flight are sent
// together, as one pipelined batch in one transaction, so a crowd of phones
// costs one WAL flush per batch rather than one per ballot. Nothing is
// acknowledged before its batch committed. A batch that fails (a close
// raced it, a stale agenda) is retried one ballot per transaction, so one
// bad ballot never costs another its vote.
//
// Up to eight committers, each on its own connection: with few phones they
// commit one ballot each, as fast as separate transactions would (the WAL
// flushes of concurrent commits overlap); with many phones every
// committer's batch grows, so the commits per ballot fall. Measured with
// 2, 4 and 8 committers: docs/bench-ballots.md.
const (
	commitWorkers = 8
	maxBatch      = 128
)

// commitQueue holds ballots waiting for a committer. There are no
// background goroutines: a request that finds a free committer slot
// becomes the committer itself (no hand-off when the venue is quiet); when
// its own ballot is done and others still wait, it hands the slot to a new
// goroutine so that its resident gets the answer at once.
type commitQueue struct {
	mu      sync.Mutex
	pending []*ballotJob
	active  int
}

func (s *Service) commit(j *ballotJob) {
	q := &s.queue
	q.mu.Lock()
	q.pending = append(q.pending, j)
	if q.active < commitWorkers {
		q.active++
		q.mu.Unlock()
		s.lead(j)
	} else {
		q.mu.Unlock()
	}
	<-j.done
}

// lead commits batches from the queue until it is empty, or until its own
// ballot (own, nil for a hand-off) is done while others still wait.
func (s *Service) lead(own *ballotJob) {
	q := &s.queue
	for {
		q.mu.Lock()
		if len(q.pending) == 0 {
			q.active--
			q.mu.Unlock()
			return
		}
		if own != nil && isDone(own) {
			q.mu.Unlock()
			go s.lead(nil)
			return
		}
		n := min(len(q.pending), maxBatch)
		batch := make([]*ballotJob, n)
		copy(batch, q.pending)
		q.pending = append(q.pending[:0], q.pending[n:]...)
		q.mu.Unlock()
		s.runBatch(batch)
	}
}

func isDone(j *ballotJob) bool {
	select {
	case <-j.done:
		return true
	default:
		return false
	}
}

func (s *Service) runBatch(batch []*ballotJob) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := s.execBatch(ctx, batch)
	if err == nil {
		for _, j := range batch {
			close(j.done)
		}
		return
	}
	if len(batch) == 1 || database.IsUnavailable(err) {
		for _, j := range batch {
			j.inserted, j.err = false, mapBallotErr(err)
			close(j.done)
		}
		return
	}
	for _, j := range batch {
		if err := s.execBatch(ctx, []*ballotJob{j}); err != nil {
			j.inserted, j.err = false, mapBallotErr(err)
		}
		close(j.done)
	}
}

// execBatch stores a batch of ballots in one transaction: one statement
// per code form, each consuming every code of the batch and inserting their
// ballots (multi-row, so PostgreSQL plans and commits once per batch, not
// once per ballot). PostgreSQL runs everything up to the pipeline's Sync as
// one implicit transaction, committed at the Sync, so Close returning nil
// means every ballot marked inserted has committed. A single ballot takes
// the one-ballot statement.
func (s *Service) execBatch(ctx context.Context, batch []*ballotJob) error {
	if len(batch) == 1 {
		j := batch[0]
		var n int
		err := s.pool.QueryRow(ctx, consumeBy[j.col], j.assemblyID, j.hash, j.nonceHash, j.box, j.sealed, j.receiptHash).Scan(&n)
		j.inserted = err == nil && n == 1
		return err
	}
	// A fixed order keeps two batches that share a code from deadlocking
	// (and if they do, the batch is retried one ballot at a time).
	sort.Slice(batch, func(a, b int) bool { return bytes.Compare(batch[a].hash, batch[b].hash) < 0 })
	b := &pgx.Batch{}
	var groups [][]*ballotJob
	for _, col := range []string{"qr_hash", "short_hash"} {
		var g []*ballotJob
		var aids []int64
		var hashes, nhs, boxes, sealed, rhs [][]byte
		for _, j := range batch {
			if j.col != col {
				continue
			}
			g = append(g, j)
			aids = append(aids, j.assemblyID)
			hashes, nhs, boxes = append(hashes, j.hash), append(nhs, j.nonceHash), append(boxes, j.box)
			sealed, rhs = append(sealed, j.sealed), append(rhs, j.receiptHash)
		}
		if len(g) == 0 {
			continue
		}
		groups = append(groups, g)
		b.Queue(consumeManyBy[col], aids, hashes, nhs, boxes, sealed, rhs)
	}
	br := s.pool.SendBatch(ctx, b)
	var first error
	for _, g := range groups {
		rows, err := br.Query()
		if err == nil {
			for rows.Next() {
				var ord int32
				if err := rows.Scan(&ord); err != nil {
					break
				}
				if ord >= 1 && int(ord) <= len(g) {
					g[ord-1].inserted = true
				}
			}
			rows.Close()
			err = rows.Err()
		}
		if err != nil {
			first = err
			break
		}
	}
	if err := br.Close(); err != nil && first == nil {
		first = err
	}
	if first != nil {
		for _, j := range batch {
			j.inserted = false
		}
	}
	return first
}

// consumeManySQL is consumeSQL for many ballots at once. Inputs are
// parallel arrays; choices are flattened as (ballot ordinal, agenda,
// position). If the same code appears twice, the UPDATE consumes it once
// and only that ordinal returns.
func consumeManySQL(col string) string {
	return `WITH i AS (
	SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::bytea[], $5::bytea[], $6::bytea[])
		WITH ORDINALITY AS i(aid, hash, nh, box, sealed, rh, ord)
), u AS (
	UPDATE codes c SET used = true, nonce_hash = i.nh, receipt_box = i.box
	FROM i
	WHERE c.assembly_id = i.aid AND c.` + col + ` = i.hash AND NOT c.used AND c.revoked_at IS NULL
	  AND (c.channel = 'onsite'
	    OR c.channel = 'online' AND EXISTS (SELECT 1 FROM assemblies a WHERE a.id = i.aid
	       AND (a.online_from IS NULL OR now() >= a.online_from) AND (a.online_until IS NULL OR now() < a.online_until))
	    OR c.channel = 'early' AND EXISTS (SELECT 1 FROM booths b WHERE b.id = c.booth_id
	       AND now() >= b.starts_at AND now() < b.ends_at))
	RETURNING i.ord, i.aid, c.channel, i.sealed, i.rh
), p AS (
	INSERT INTO pending_ballots (assembly_id, channel, sealed) SELECT aid, channel, sealed FROM u
), r AS (
	INSERT INTO receipts (assembly_id, receipt_hash) SELECT aid, rh FROM u
)
SELECT ord::int FROM u`
}

var consumeManyBy = map[string]string{"qr_hash": consumeManySQL("qr_hash"), "short_hash": consumeManySQL("short_hash")}

// mapBallotErr turns the database's refusals into errors people can read.
func mapBallotErr(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "P0001" && pe.Hint == "maeul:not_open":
			return maeul.Errorf(maeul.ECONFLICT, "ballot.not_open")
		case pe.Code == "23503":
			return maeul.FieldErrorf(maeul.EINVALID, "choices", "ballot.unknown_agenda")
		}
	}
	return err
}

// ConsumeOne is the consume-and-store statement of Submit run alone, one
// ballot per commit, without the group commit or HTTP: the baseline that
// cmd/maeul-bench compares the service with. inserted is false when the
// code was not consumed (used, revoked, unknown).
func (s *Service) ConsumeOne(ctx context.Context, q assembly.Querier, assemblyID int64, code, nonce string, agendas []int64) (receipt string, inserted bool, err error) {
	k, err := ParseCode(code)
	if err != nil {
		return "", false, err
	}
	k = s.keyed(k)
	nh := sha256.Sum256([]byte(nonce))
	receipt = newReceipt()
	box, err := sealReceipt(s.key(), k.plain, nonce, receipt, canonChoices(assembly.MethodRanked, agendas))
	if err != nil {
		return "", false, wrap("seal receipt", err)
	}
	var n int
	if err := q.QueryRow(ctx, consumeBy[k.column()], assemblyID, k.hash, nh[:], box, s.sealBallot(assemblyID, agendas, nil), ReceiptHash(receipt)).Scan(&n); err != nil {
		return "", false, wrap("consume code", mapBallotErr(err))
	}
	return receipt, n == 1, nil
}
