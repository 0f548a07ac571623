package voting

import (
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/web"
)

// BallotRequest is the body of POST /api/v1/ballots.
type BallotRequest struct {
	Assembly string      `json:"assembly"`
	Code     string      `json:"code"`
	Choices  []AgendaRef `json:"choices"`
	Nonce    string      `json:"nonce"`
}

// ParseBallot reads a ballot request body. Returns EMALFORMED for anything
// that is not one JSON object, EINVALID for a field of the wrong type, a
// nonce that is too long or a choice list that is absurdly long.
func ParseBallot(body []byte) (*BallotRequest, error) {
	var r BallotRequest
	if err := web.DecodeJSONBytes(body, &r); err != nil {
		return nil, err
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

func (h *Handlers) apiBallot(c *fiber.Ctx) error {
	if err := h.guessCheck(c); err != nil {
		return err
	}
	req, err := ParseBallot(c.Body())
	if err != nil {
		return err
	}
	receipt, err := h.svc.Submit(c.UserContext(), Submission{Slug: req.Assembly, Code: req.Code, Nonce: req.Nonce, Choices: req.Choices})
	if err != nil {
		h.guessFailed(c, err)
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"receipt": receipt})
}

func assemblyID(c *fiber.Ctx) (int64, error) {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return 0, maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	return id, nil
}

func tooMany(wait int) error {
	e := maeul.Errorf(maeul.ETOOMANY, "code.too_many", wait)
	e.RetryAfter = wait
	return e
}

// guessCheck refuses a client that guessed too often.
func (h *Handlers) guessCheck(c *fiber.Ctx) error {
	if w := h.guesses.blockedFor(web.ClientKey(c)); w > 0 {
		return tooMany(w)
	}
	return nil
}

// guessFailed counts a failed attempt for the client.
func (h *Handlers) guessFailed(c *fiber.Ctx, err error) {
	if isGuess(err) {
		h.guesses.fail(web.ClientKey(c))
	}
}

// guessLimit refuses a client after too many failed code attempts. Only
// failures cost: a crowded venue shares one address, and its residents'
// valid codes must never be refused.
type guessLimit struct {
	lim     *web.Limiter
	mu      sync.Mutex
	blocked map[string]time.Time
}

func newGuessLimit(n int, per time.Duration) *guessLimit {
	return &guessLimit{lim: web.NewLimiter(n, per/time.Duration(n)), blocked: map[string]time.Time{}}
}

// blockedFor returns the seconds a client must still wait, or 0.
func (g *guessLimit) blockedFor(key string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	until, ok := g.blocked[key]
	if !ok {
		return 0
	}
	d := time.Until(until)
	if d <= 0 {
		delete(g.blocked, key)
		return 0
	}
	return int(d/time.Second) + 1
}

// fail records a failed attempt and returns the seconds to wait if the
// client is now blocked.
func (g *guessLimit) fail(key string) int {
	ok, wait := g.lim.Allow(key)
	if ok {
		return 0
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.blocked) > 100_000 {
		for k, t := range g.blocked {
			if time.Now().After(t) {
				delete(g.blocked, k)
			}
		}
	}
	g.blocked[key] = time.Now().Add(time.Duration(wait) * time.Second)
	return wait
}
