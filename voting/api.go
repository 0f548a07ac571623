package voting

import (
	"strings"

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
	// Answers to the assembly's questions: question id → yes, no, abstain.
	Answers map[string]string `json:"answers"`
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
	req, err := ParseBallot(c.Body())
	if err != nil {
		return err
	}
	bi, err := h.svc.info(c.UserContext(), req.Assembly)
	if err != nil {
		return err
	}
	receipt, err := h.svc.Submit(c.UserContext(), Submission{Slug: req.Assembly, Code: req.Code, Nonce: req.Nonce, Choices: req.Choices, Answers: req.Answers})
	if err != nil {
		return h.guessFailed(c, bi.a.ID, err)
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

// guessFailed counts err against the assembly and the client when it
// means the code was not recognised (what a guesser sees). Over the limit
// the failure answers 429 with Retry-After instead of 404. A valid code is
// never counted and never refused; a used code is not a guess (409).
func (h *Handlers) guessFailed(c *fiber.Ctx, assemblyID int64, err error) error {
	if !isGuess(err) {
		return err
	}
	if w := h.svc.CountGuess(c.UserContext(), assemblyID, web.ClientKey(c)); w > 0 {
		return tooMany(w)
	}
	return err
}
