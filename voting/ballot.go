package voting

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/assembly"
	"maeul/format"
)

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

// Rules are what a ballot is checked against: the assembly's method and
// its agendas' costs.
type Rules struct {
	Method     string
	MaxChoices int
	BudgetCap  int64
	// Cost of each agenda of the assembly, by id.
	Cost map[int64]int64
	// MinChoices is the least number of choices (approval and ranked).
	MinChoices int
	// Questions are the assembly's yes/no questions (questions.go).
	Questions []Question
}

// NewRules takes the rules of an assembly.
func NewRules(a *assembly.Assembly, agendas []assembly.Agenda) *Rules {
	r := &Rules{Method: a.Method, MaxChoices: a.MaxChoices, MinChoices: a.MinChoices, BudgetCap: a.BudgetCap, Cost: make(map[int64]int64, len(agendas))}
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
			return nil, maeul.FieldErrorf(maeul.EINVALID, "choices", "ballot.over_budget", group(total), group(r.BudgetCap))
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
	if err := r.checkMin(len(ids)); err != nil {
		return nil, err
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
	a, err := assembly.FindAssemblyBySlug(ctx, s.pool, slug)
	if err != nil {
		return nil, wrap("find assembly", err)
	}
	if a.State == assembly.StateDraft {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	gs, err := assembly.FindAgendas(ctx, s.pool, a.ID)
	if err != nil {
		return nil, wrap("find agendas", err)
	}
	bi = &ballotInfo{a: a, agendas: gs, rules: NewRules(a, gs), loaded: time.Now()}
	if bi.rules.Questions, err = FindQuestions(ctx, s.pool, a.ID); err != nil {
		return nil, wrap("find questions", err)
	}
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
	// Answers to the assembly's questions, by question id: yes, no or abstain.
	Answers map[string]string
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
	k = s.keyed(k)
	ids, err := bi.rules.Check(sub.Choices)
	if err != nil {
		return "", err
	}
	answers, err := bi.rules.CheckAnswers(sub.Answers)
	if err != nil {
		return "", err
	}
	nonce := sub.Nonce
	if nonce == "" {
		nonce = NewNonce()
	}
	nh := sha256.Sum256([]byte(nonce))
	canon := canonChoices(bi.rules.Method, ids) + canonAnswers(answers)
	for attempt := 0; ; attempt++ {
		receipt := newReceipt()
		box, err := sealReceipt(s.key(), k.plain, nonce, receipt, canon)
		if err != nil {
			return "", wrap("seal receipt", err)
		}
		j := &ballotJob{assemblyID: bi.a.ID, col: k.column(), hash: k.hash, nonceHash: nh[:], box: box,
			sealed: s.sealBallot(bi.a.ID, ids, answers), receiptHash: ReceiptHash(receipt), done: make(chan struct{})}
		s.commit(j)
		if j.err != nil {
			return "", wrap("store ballot", j.err)
		}
		if j.inserted {
			s.ballotsStored(1)
			s.OnChange(bi.a.ID) // turnout moves at once; the counts when mixed
			// The mixer moves nothing before k more ballots wait: look
			// again after every k-th (and every two seconds anyway).
			if s.sinceMix.Add(1) >= int64(s.groupSize()) {
				s.sinceMix.Store(0)
				s.kickMixer()
			}
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
			return r, wrap("explain code", err)
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
	var inWin, inBooth bool
	err := s.pool.QueryRow(ctx, `SELECT c.channel, c.used, c.revoked_at IS NOT NULL, c.nonce_hash, c.receipt_box,
			(a.online_from IS NULL OR now() >= a.online_from) AND (a.online_until IS NULL OR now() < a.online_until),
			`+boothOpenSQL+`
		FROM codes c JOIN assemblies a ON a.id = c.assembly_id
		WHERE c.assembly_id = $1 AND c.`+k.column()+` = $2`, a.ID, k.hash).
		Scan(&channel, &used, &revoked, &nonceHash, &box, &inWin, &inBooth)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, maeul.FieldErrorf(maeul.ENOTFOUND, "code", "code.unknown")
	}
	if err != nil {
		return "", false, err
	}
	switch {
	case used:
		if bytes.Equal(nonceHash, nh) {
			if r, first, err := openReceipt(s.key(), k.plain, nonce, box); err == nil {
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
	case channel == ChannelEarly && !inBooth:
		return "", false, maeul.Errorf(maeul.ECONFLICT, "ballot.outside_booth")
	}
	return "", true, nil
}

// group writes n with thousands separators, as the messages show amounts.
var group = format.Group
