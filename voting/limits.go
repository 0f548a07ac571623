package voting

import (
	"context"
	"strconv"

	"maeul/limit"
)

// Limits on wrong codes. Only failures are counted, in PostgreSQL so that
// every instance sees the same count, and only failures are refused: a
// valid code is always accepted, whoever sent wrong ones before it.
const (
	// GuessesPerClient is how many wrong codes one client (an address as
	// seen through the trusted proxy) may send for one assembly in a
	// minute before its wrong codes answer 429 instead of 404. Generous:
	// a venue's residents may share one address, and mistype.
	GuessesPerClient = 30
	// GuessesPerAssembly is the same for all clients of one assembly
	// together (an attacker with many addresses).
	GuessesPerAssembly = 600
)

// CountGuess counts a wrong code for the assembly and the client and
// returns the seconds to wait when either is over its limit, or 0. A
// counting failure (the database) is logged and limits nothing.
func (s *Service) CountGuess(ctx context.Context, assemblyID int64, client string) int {
	c := limit.New(s.pool)
	a := strconv.FormatInt(assemblyID, 10)
	nc, wc, err := c.Fail(ctx, "code:client", a+"|"+client)
	if err != nil {
		s.log.Warn("count a wrong code", "err", err)
		return 0
	}
	na, wa, err := c.Fail(ctx, "code:assembly", a)
	if err != nil {
		s.log.Warn("count a wrong code", "err", err)
		return 0
	}
	switch {
	case nc > GuessesPerClient:
		return wc
	case na > GuessesPerAssembly:
		return wa
	}
	return 0
}
