package account

import (
	"context"

	"maeul/limit"
)

// Limits on wrong passwords, counted in PostgreSQL (shared by every
// instance) per one-minute window. Only failures are counted, and the right
// password is never refused because of someone else's wrong ones.
const (
	// LoginFailuresPerClient is how many wrong passwords one client may
	// send in a minute (over all accounts); after that, that client — and
	// only it — waits until the minute ends.
	LoginFailuresPerClient = 30
	// LoginFreeFailures is how many wrong passwords an account takes in a
	// minute before each further failure asks to wait, doubling from 1 s
	// to 60 s. A failure only: the right password is never made to wait.
	LoginFreeFailures = 10
)

// LoginWait returns the seconds a client must wait before its next login
// attempt because of its own wrong passwords, or 0.
func (s *Service) LoginWait(ctx context.Context, client string) (int, error) {
	n, w, err := limit.New(s.Pool).Count(ctx, "login:client", client)
	if err != nil || n < LoginFailuresPerClient {
		return 0, err
	}
	return w, nil
}

// LoginFailed counts a wrong password for the client and the account
// (email) and returns the seconds the answer asks to wait, or 0.
func (s *Service) LoginFailed(ctx context.Context, client, email string) (int, error) {
	c := limit.New(s.Pool)
	nc, wc, err := c.Fail(ctx, "login:client", client)
	if err != nil {
		return 0, err
	}
	na, _, err := c.Fail(ctx, "login:account", email)
	if err != nil {
		return 0, err
	}
	wait := 0
	if na > LoginFreeFailures {
		wait = 1 << min(na-LoginFreeFailures-1, 6)
		wait = min(wait, 60)
	}
	if nc >= LoginFailuresPerClient {
		wait = max(wait, wc)
	}
	return wait, nil
}
