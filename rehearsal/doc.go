// Package rehearsal lets a host rehearse an assembly before the day: a
// rehearsal copy (리허설) with its own codes, ballots and tallies, a crowd of
// simulated phones that open the ballot, think and vote over the real HTTP
// path at a spread-out pace, and a report at the end. The copy is deleted
// when the run ends, so nothing mixes with the real assembly.
//
// The domain half is Service (run.go: starting and driving a run; phones.go:
// one simulated phone; report.go: the figures; store.go: the stored runs).
// The HTTP half is Handlers (routes.go, pages.go, api.go).
package rehearsal
