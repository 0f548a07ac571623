package voting

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"maeul"
	"maeul/assembly"
	"maeul/database"
	"maeul/web"
)

// BallotRequest is the body of POST /api/v1/ballots.
type BallotRequest struct {
	Assembly string      `json:"assembly"`
	Code     string      `json:"code"`
	Choices  []AgendaRef `json:"choices"`
	Nonce    string      `json:"nonce"`
}

// AgendaRef is an agenda id as a client sends it: a string ("12") or, for
// lenient clients, a number (12).
type AgendaRef string

// UnmarshalJSON accepts a JSON string or an integer.
func (r *AgendaRef) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*r = AgendaRef(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*r = AgendaRef(n.String())
	return nil
}

// MaxNonce is the longest nonce accepted.
const MaxNonce = 128

// maxChoicesSent bounds the array before any lookup: no assembly has more.
const maxChoicesSent = 500

// ParseBallot reads a ballot request body. Returns EMALFORMED for anything
// that is not one JSON object of the expected shape, EINVALID for a nonce
// that is too long or a choice list that is absurdly long.
func ParseBallot(body []byte) (*BallotRequest, error) {
	var r BallotRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&r); err != nil {
		return nil, maeul.Errorf(maeul.EMALFORMED, "error.malformed_json")
	}
	if dec.More() {
		return nil, maeul.Errorf(maeul.EMALFORMED, "error.malformed_json")
	}
	r.Assembly = strings.TrimSpace(r.Assembly)
	if r.Assembly == "" {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "assembly", "ballot.no_assembly")
	}
	if len(r.Nonce) > MaxNonce {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "nonce", "ballot.bad_nonce", MaxNonce)
	}
	if len(r.Choices) > maxChoicesSent {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "choices", "ballot.too_many", maxChoicesSent)
	}
	return &r, nil
}

// Rules are what a ballot is checked against: the assembly's method and
// its agendas' costs.
type Rules struct {
	Method     string
	MaxChoices int
	BudgetCap  int64
	// Cost of each agenda of the assembly, by id.
	Cost map[int64]int64
}

// NewRules takes the rules of an assembly.
func NewRules(a *assembly.Assembly, agendas []assembly.Agenda) *Rules {
	r := &Rules{Method: a.Method, MaxChoices: a.MaxChoices, BudgetCap: a.BudgetCap, Cost: make(map[int64]int64, len(agendas))}
	for _, g := range agendas {
		r.Cost[g.ID] = g.Cost
	}
	return r
}

// Check validates a ballot's choices, in order, and returns the agenda ids.
// Every failure is EINVALID with a message that says what to fix: no
// choice, an agenda not on this ballot, the same agenda twice, more than
// the method allows, or a total above the cap.
func (r *Rules) Check(choices []AgendaRef) ([]int64, error) {
	if len(choices) == 0 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "choices", "ballot.empty")
	}
	ids := make([]int64, 0, len(choices))
	seen := make(map[int64]bool, len(choices))
	var total int64
	for _, c := range choices {
		id, err := strconv.ParseInt(strings.TrimSpace(string(c)), 10, 64)
		cost, ok := r.Cost[id]
		if err != nil || !ok {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "choices", "ballot.unknown_agenda")
		}
		if seen[id] {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "choices", "ballot.duplicate")
		}
		seen[id] = true
		ids = append(ids, id)
		total += cost
	}
	switch r.Method {
	case assembly.MethodBudget:
		if total > r.BudgetCap {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "choices", "ballot.over_budget", web.Group(total), web.Group(r.BudgetCap))
		}
	case assembly.MethodRanked:
		if len(ids) > r.MaxChoices {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "choices", "ballot.too_many_ranked", r.MaxChoices)
		}
	default:
		if len(ids) > r.MaxChoices {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "choices", "ballot.too_many", r.MaxChoices)
		}
	}
	return ids, nil
}

// ballotInfo is an assembly as the ballot needs it. While the assembly is
// open its rules and agendas are frozen, so it is cached for a moment; the
// database still decides whether voting is open (the trigger).
type ballotInfo struct {
	a       *assembly.Assembly
	agendas []assembly.Agenda
	rules   *Rules
	loaded  time.Time
}

const infoTTL = 2 * time.Second

type infoCache struct {
	mu sync.Mutex
	m  map[string]*ballotInfo
}

func (s *Service) info(ctx context.Context, slug string) (*ballotInfo, error) {
	s.cache.mu.Lock()
	bi := s.cache.m[slug]
	s.cache.mu.Unlock()
	if bi != nil && time.Since(bi.loaded) < infoTTL {
		return bi, nil
	}
	a, err := assembly.FindAssemblyBySlug(ctx, s.Env.Pool, slug)
	if err != nil {
		return nil, err
	}
	if a.State == assembly.StateDraft {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	gs, err := assembly.FindAgendas(ctx, s.Env.Pool, a.ID)
	if err != nil {
		return nil, err
	}
	bi = &ballotInfo{a: a, agendas: gs, rules: NewRules(a, gs), loaded: time.Now()}
	if a.State == assembly.StateOpen {
		s.cache.mu.Lock()
		if s.cache.m == nil {
			s.cache.m = map[string]*ballotInfo{}
		}
		s.cache.m[slug] = bi
		s.cache.mu.Unlock()
	}
	return bi, nil
}

func (s *Service) forget(slug string) {
	s.cache.mu.Lock()
	delete(s.cache.m, slug)
	s.cache.mu.Unlock()
}

// Submission is one ballot as a resident sends it.
type Submission struct {
	Slug    string
	Code    string
	Nonce   string
	Choices []AgendaRef
}

// Submit consumes the code and stores the ballot in one transaction and
// returns the receipt only after it committed. The same code with the same
// nonce returns the same receipt again. Returns ENOTFOUND for an unknown,
// revoked or other assembly's code ("code.unknown"), ECONFLICT for a used
// code, a vote that is not open or an online code outside the online
// window, and EINVALID for choices the method does not allow.
func (s *Service) Submit(ctx context.Context, sub Submission) (string, error) {
	bi, err := s.info(ctx, sub.Slug)
	if err != nil {
		return "", err
	}
	k, err := ParseCode(sub.Code)
	if err != nil {
		if isGuess(err) {
			s.recordFailure(ctx, bi.a.ID)
		}
		return "", err
	}
	ids, err := bi.rules.Check(sub.Choices)
	if err != nil {
		return "", err
	}
	nonce := sub.Nonce
	if nonce == "" {
		nonce = NewNonce()
	}
	nh := sha256.Sum256([]byte(nonce))
	canon := canonChoices(bi.rules.Method, ids)
	for attempt := 0; ; attempt++ {
		receipt := newReceipt()
		box, err := sealReceipt(k.plain, nonce, receipt, canon)
		if err != nil {
			return "", err
		}
		j := &ballotJob{assemblyID: bi.a.ID, col: k.column(), hash: k.hash, nonceHash: nh[:], box: box,
			receipt: receipt, agendas: ids, done: make(chan struct{})}
		s.commit(j)
		if j.err != nil {
			return "", j.err
		}
		if j.inserted {
			s.Env.Metrics.Add("maeul_ballots_total", "Ballots stored.", 1)
			s.OnChange(bi.a.ID)
			return receipt, nil
		}
		// Nothing was consumed: find out why, now that the statement is over.
		r, retry, err := s.explain(ctx, bi.a, k, nonce, nh[:], canon)
		if isGuess(err) {
			s.recordFailure(ctx, bi.a.ID)
		}
		if err != nil || !retry || attempt >= 2 {
			if err == nil && retry {
				err = maeul.Errorf(maeul.ECONFLICT, "code.used")
			}
			return r, err
		}
	}
}

// explain says why a code was not consumed: the same nonce again (the same
// receipt; with different choices ECONFLICT "ballot.changed" and the first
// receipt, since the first ballot stands), used, revoked or unknown, or
// outside the online window. retry is true when the code looks unused now
// (a concurrent transaction had it locked and rolled back).
func (s *Service) explain(ctx context.Context, a *assembly.Assembly, k codeKey, nonce string, nh []byte, canon string) (string, bool, error) {
	var channel string
	var used, revoked bool
	var nonceHash, box []byte
	var inWin bool
	err := s.Env.Pool.QueryRow(ctx, `SELECT c.channel, c.used_at IS NOT NULL, c.revoked_at IS NOT NULL, c.nonce_hash, c.receipt_box,
			(a.online_from IS NULL OR now() >= a.online_from) AND (a.online_until IS NULL OR now() < a.online_until)
		FROM codes c JOIN assemblies a ON a.id = c.assembly_id
		WHERE c.assembly_id = $1 AND c.`+k.column()+` = $2`, a.ID, k.hash).
		Scan(&channel, &used, &revoked, &nonceHash, &box, &inWin)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, maeul.FieldErrorf(maeul.ENOTFOUND, "code", "code.unknown")
	}
	if err != nil {
		return "", false, err
	}
	switch {
	case used:
		if bytes.Equal(nonceHash, nh) {
			if r, first, err := openReceipt(k.plain, nonce, box); err == nil {
				// A box sealed before the choices were kept in it
				// (first == "") cannot tell: it is taken as the same.
				if first != "" && first != canon {
					return r, false, maeul.FieldErrorf(maeul.ECONFLICT, "choices", "ballot.changed")
				}
				return r, false, nil
			}
		}
		return "", false, maeul.FieldErrorf(maeul.ECONFLICT, "code", "code.used")
	case revoked:
		return "", false, maeul.FieldErrorf(maeul.ENOTFOUND, "code", "code.unknown")
	case channel == ChannelOnline && !inWin:
		return "", false, maeul.Errorf(maeul.ECONFLICT, "ballot.outside_window")
	}
	return "", true, nil
}

// The one statement that consumes a code and stores its ballot. A used,
// revoked or unknown code (or an online code outside the window) updates
// no row, so nothing is inserted and the statement answers 0. The trigger
// on ballots refuses the insert unless the assembly is open.
func consumeSQL(col string) string {
	return `WITH u AS (
	UPDATE codes SET used_at = now(), nonce_hash = $3, receipt_box = $4
	WHERE assembly_id = $1 AND ` + col + ` = $2 AND used_at IS NULL AND revoked_at IS NULL
	  AND (channel = 'onsite' OR EXISTS (SELECT 1 FROM assemblies a WHERE a.id = $1
	       AND (a.online_from IS NULL OR now() >= a.online_from) AND (a.online_until IS NULL OR now() < a.online_until)))
	RETURNING channel
), b AS (
	INSERT INTO ballots (assembly_id, channel, receipt) SELECT $1, channel, $5 FROM u RETURNING id
), c AS (
	INSERT INTO ballot_choices (assembly_id, ballot_id, agenda_id, position)
	SELECT $1, b.id, x.agenda, x.pos::int FROM b, unnest($6::bigint[]) WITH ORDINALITY AS x(agenda, pos)
	RETURNING 1
)
SELECT count(*)::int FROM b`
}

var consumeBy = map[string]string{"qr_hash": consumeSQL("qr_hash"), "short_hash": consumeSQL("short_hash")}

// ballotJob is one ballot waiting for a commit.
type ballotJob struct {
	assemblyID int64
	col        string
	hash       []byte
	nonceHash  []byte
	box        []byte
	receipt    string
	agendas    []int64

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
		err := s.Env.Pool.QueryRow(ctx, consumeBy[j.col], j.assemblyID, j.hash, j.nonceHash, j.box, j.receipt, j.agendas).Scan(&n)
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
		var hashes, nhs, boxes [][]byte
		var receipts []string
		var cOrd, cPos []int32
		var cAgenda []int64
		for _, j := range batch {
			if j.col != col {
				continue
			}
			g = append(g, j)
			ord := int32(len(g))
			aids = append(aids, j.assemblyID)
			hashes, nhs, boxes = append(hashes, j.hash), append(nhs, j.nonceHash), append(boxes, j.box)
			receipts = append(receipts, j.receipt)
			for p, a := range j.agendas {
				cOrd, cAgenda, cPos = append(cOrd, ord), append(cAgenda, a), append(cPos, int32(p+1))
			}
		}
		if len(g) == 0 {
			continue
		}
		groups = append(groups, g)
		b.Queue(consumeManyBy[col], aids, hashes, nhs, boxes, receipts, cOrd, cAgenda, cPos)
	}
	br := s.Env.Pool.SendBatch(ctx, b)
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
	SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::bytea[], $5::text[]) WITH ORDINALITY AS i(aid, hash, nh, box, receipt, ord)
), u AS (
	UPDATE codes c SET used_at = now(), nonce_hash = i.nh, receipt_box = i.box
	FROM i
	WHERE c.assembly_id = i.aid AND c.` + col + ` = i.hash AND c.used_at IS NULL AND c.revoked_at IS NULL
	  AND (c.channel = 'onsite' OR EXISTS (SELECT 1 FROM assemblies a WHERE a.id = i.aid
	       AND (a.online_from IS NULL OR now() >= a.online_from) AND (a.online_until IS NULL OR now() < a.online_until)))
	RETURNING i.ord, i.aid, c.channel, i.receipt
), b AS (
	INSERT INTO ballots (assembly_id, channel, receipt) SELECT aid, channel, receipt FROM u RETURNING id, assembly_id, receipt
), x AS (
	INSERT INTO ballot_choices (assembly_id, ballot_id, agenda_id, position)
	SELECT b.assembly_id, b.id, ch.agenda, ch.pos
	FROM unnest($6::int[], $7::bigint[], $8::int[]) AS ch(ord, agenda, pos)
	JOIN u ON u.ord = ch.ord JOIN b ON b.receipt = u.receipt
	RETURNING 1
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

// NewNonce returns a fresh random nonce for a ballot form.
func NewNonce() string { return randomShort(20) }

// newReceipt is the resident's tracker: random, unrelated to the code.
func newReceipt() string { return GroupShort(randomShort(12)) }

func receiptKey(code, nonce string) []byte {
	h := sha256.New()
	h.Write([]byte("maeul receipt v1"))
	h.Write([]byte(code))
	h.Write([]byte{0})
	h.Write([]byte(nonce))
	return h.Sum(nil)
}

// canonChoices writes a ballot's choices so that the same ballot always
// reads the same: in order for a ranked ballot, sorted otherwise (the order
// of ticks does not matter).
func canonChoices(method string, ids []int64) string {
	c := append([]int64(nil), ids...)
	if method != assembly.MethodRanked {
		sort.Slice(c, func(a, b int) bool { return c[a] < c[b] })
	}
	parts := make([]string, len(c))
	for i, id := range c {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// sealReceipt encrypts the receipt and the canonical choices so that only
// the holder of the code and the nonce can read them back: a retry after a
// dropped connection gets the same receipt, and a retry with other choices
// is told that the first ballot stands. The database sees only ciphertext,
// so it still links no ballot to a code. The plaintext is the receipt, a
// newline and the choices (boxes written before had the receipt alone).
func sealReceipt(code, nonce, receipt, choices string) ([]byte, error) {
	blk, err := aes.NewCipher(receiptKey(code, nonce))
	if err != nil {
		return nil, err
	}
	g, err := cipher.NewGCM(blk)
	if err != nil {
		return nil, err
	}
	iv := make([]byte, g.NonceSize())
	rand.Read(iv)
	return g.Seal(iv, iv, []byte(receipt+"\n"+choices), nil), nil
}

// openReceipt reads a box back: the receipt and the canonical choices (""
// for a box that holds the receipt alone).
func openReceipt(code, nonce string, box []byte) (receipt, choices string, err error) {
	blk, err := aes.NewCipher(receiptKey(code, nonce))
	if err != nil {
		return "", "", err
	}
	g, err := cipher.NewGCM(blk)
	if err != nil {
		return "", "", err
	}
	if len(box) < g.NonceSize() {
		return "", "", errors.New("receipt box too short")
	}
	b, err := g.Open(nil, box[:g.NonceSize()], box[g.NonceSize():], nil)
	if err != nil {
		return "", "", err
	}
	receipt, choices, _ = strings.Cut(string(b), "\n")
	return receipt, choices, nil
}

// ConsumeOne is the consume-and-insert statement of Submit run alone, one
// ballot per commit, without the group commit or HTTP: the baseline that
// cmd/maeul-bench compares the service with. inserted is false when the
// code was not consumed (used, revoked, unknown).
func ConsumeOne(ctx context.Context, q assembly.Querier, assemblyID int64, code, nonce string, agendas []int64) (receipt string, inserted bool, err error) {
	k, err := ParseCode(code)
	if err != nil {
		return "", false, err
	}
	nh := sha256.Sum256([]byte(nonce))
	receipt = newReceipt()
	box, err := sealReceipt(k.plain, nonce, receipt, canonChoices(assembly.MethodRanked, agendas))
	if err != nil {
		return "", false, err
	}
	var n int
	if err := q.QueryRow(ctx, consumeBy[k.column()], assemblyID, k.hash, nh[:], box, receipt, agendas).Scan(&n); err != nil {
		return "", false, mapBallotErr(err)
	}
	return receipt, n == 1, nil
}
