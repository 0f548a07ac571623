package rehearsal

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"time"

	"maeul/assembly"
)

// phone is one simulated resident: scan the QR card (open the ballot page
// with its assets), read and think, vote; retry once with the same nonce
// after a network error, as a phone on crowded Wi-Fi would.
func phone(ctx context.Context, r *run, base, code string, agendas []assembly.Agenda, questions []string, arrive, think time.Duration) {
	if !sleep(ctx, arrive) {
		return
	}
	// A cookie jar, as a phone's browser: the QR link answers 303 with the
	// code in a cookie, and the ballot page reads it from there.
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	defer client.CloseIdleConnections()
	t := time.Now()
	status, err := get(ctx, client, base+"/v/"+r.copy.Slug+"?code="+url.QueryEscape(code))
	r.observe("open", time.Since(t), kind(status, err, 200))
	if err != nil || status != 200 {
		return
	}
	if !sleep(ctx, think) {
		return
	}
	ballot := map[string]any{"assembly": r.copy.Slug, "code": code, "choices": choose(r.copy, agendas), "nonce": nonce()}
	if len(questions) > 0 {
		// Every question answered, as the ballot requires: 찬성, 반대 or 기권.
		answers := map[string]string{}
		for _, q := range questions {
			answers[q] = [...]string{"yes", "no", "abstain"}[mrand.IntN(3)]
		}
		ballot["answers"] = answers
	}
	body, _ := json.Marshal(ballot)
	for try := 0; try < 2; try++ {
		t = time.Now()
		status, err = post(ctx, client, base+"/api/v1/ballots", body)
		if err == nil || try == 1 {
			r.observe("vote", time.Since(t), kind(status, err, 201))
			return
		}
	}
}

// choose picks a valid ballot for the method: up to K agendas (in a random
// order for ranked), or for budget a random set that fits the cap.
func choose(a *assembly.Assembly, agendas []assembly.Agenda) []string {
	perm := mrand.Perm(len(agendas))
	var out []string
	if a.Method == assembly.MethodBudget {
		var total int64
		for _, i := range perm {
			if total+agendas[i].Cost <= a.BudgetCap && mrand.IntN(3) > 0 {
				total += agendas[i].Cost
				out = append(out, agendas[i].IDString())
			}
		}
		if len(out) == 0 {
			for _, i := range perm {
				if agendas[i].Cost <= a.BudgetCap {
					return []string{agendas[i].IDString()}
				}
			}
		}
		return out
	}
	k := 1 + mrand.IntN(min(a.MaxChoices, len(agendas)))
	for _, i := range perm[:k] {
		out = append(out, agendas[i].IDString())
	}
	return out
}

func kind(status int, err error, want int) string {
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return "timeout"
		}
		return "network"
	}
	if status != want {
		return "HTTP " + strconv.Itoa(status)
	}
	return ""
}

func get(ctx context.Context, c *http.Client, u string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

func post(ctx context.Context, c *http.Client, u string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func nonce() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
