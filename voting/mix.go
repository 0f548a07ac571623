package voting

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"maeul/assembly"
)

// The mixer. A ballot's transaction consumes its code and stores the
// choices sealed in pending_ballots (commit.go): that row shares the code's
// transaction id (xmin) and follows it in the heap, but nobody without the
// service secret can read it. The mixer moves sealed ballots into ballots
// and ballot_choices in groups of at least k, in random order, in its own
// transaction, and deletes them from the holding table. So every stored
// ballot shares its xmin, its neighbourhood in the heap and its moment with
// at least k−1 others of the same assembly, and nothing in the database
// ties it to its code better than 1 in k.
//
// Per channel, the mixer moves ballots only while at least 2k wait, and
// always leaves k waiting; close mixes the rest (between k and 2k−1 per
// channel). A channel with fewer than k ballots in all is not mixed on its
// own: at close, every channel's rest is mixed as one group labelled
// "mixed", so its few ballots hide among the others'. An assembly with
// fewer than k ballots in all is mixed as one group at close.
//
// The running counts (tally_channels, tally_agendas) move in the mixing
// transaction, so while a vote is open per-agenda numbers change in steps
// of whole groups and never show one resident's choices; turnout (mixed
// plus waiting) moves with each ballot.

// thresholds returns how many ballots of a channel must wait before the
// mixer moves some (2k) and how many it leaves (k). k = 1 means no
// anonymity set at all (tests of the live feed): everything moves at once.
func (s *Service) thresholds() (wait, leave int64) {
	k := int64(s.groupSize())
	if k == 1 {
		return 1, 0
	}
	return 2 * k, k
}

// mixLockClass is the first key of the advisory lock that makes one mixer
// per assembly across every instance on the database (assembly's
// DeleteRehearsal takes it too).
const mixLockClass = assembly.MixLockClass

// ChannelMixed labels ballots of a final group that joined channels.
const ChannelMixed = "mixed"

// sealBallot seals a ballot's choices (agenda ids in order) and its
// answers to the questions (sealedPayload) under the service secret, bound
// to the assembly.
func (s *Service) sealBallot(assemblyID int64, ids []int64, answers map[int64]string) []byte {
	return s.key().Seal("pending ballot", []byte(sealedPayload(ids, answers)), aadOf(assemblyID))
}

func (s *Service) openBallot(assemblyID int64, box []byte) ([]int64, map[int64]string, error) {
	b, err := s.key().Open("pending ballot", box, aadOf(assemblyID))
	if err != nil {
		return nil, nil, err
	}
	list, rest, _ := strings.Cut(string(b), ";")
	var ids []int64
	for _, p := range strings.Split(list, ",") {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return nil, nil, errors.New("a sealed ballot holds no agenda list")
		}
		ids = append(ids, id)
	}
	answers, err := decodeAnswers(rest)
	if err != nil {
		return nil, nil, err
	}
	return ids, answers, nil
}

func aadOf(assemblyID int64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(assemblyID))
	return b[:]
}

// kickMixer asks the mixer to look now (after a ballot was stored).
func (s *Service) kickMixer() {
	select {
	case s.mixNow <- struct{}{}:
	default:
	}
}

// Run mixes until ctx ends: after ballots arrive and every two seconds
// (ballots stored by another instance, or left waiting by a restart).
func (s *Service) Run(ctx context.Context) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.mixNow:
		case <-t.C:
		}
		if _, err := s.MixReady(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("mix ballots", "err", err)
		}
	}
}

// MixReady mixes every assembly that has a channel with at least 2k
// ballots waiting and returns how many ballots it moved.
func (s *Service) MixReady(ctx context.Context) (int, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT assembly_id FROM (SELECT assembly_id FROM pending_ballots
		GROUP BY assembly_id, channel HAVING count(*) >= $1) p`, min2k(s))
	if err != nil {
		return 0, wrap("mix: find waiting ballots", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, wrap("mix: find waiting ballots", err)
	}
	total := 0
	for _, id := range ids {
		n, err := s.mixAssembly(ctx, id)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

func min2k(s *Service) int64 { w, _ := s.thresholds(); return w }

// mixAssembly moves, per channel with at least 2k waiting, all but k of
// them (chosen at random) as one group. Another mixer holding the lock
// means it is being done: nothing to do here.
func (s *Service) mixAssembly(ctx context.Context, assemblyID int64) (int, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return 0, wrap("mix: begin", err)
	}
	defer tx.Rollback(ctx)
	var got bool
	if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1, $2::int)`, mixLockClass, assemblyID).Scan(&got); err != nil {
		return 0, wrap("mix: lock", err)
	}
	if !got {
		return 0, nil
	}
	a, err := assembly.FindAssembly(ctx, tx, assemblyID)
	if err != nil {
		return 0, wrap("mix: find assembly", err)
	}
	waiting, err := pendingByChannel(ctx, tx, assemblyID)
	if err != nil {
		return 0, wrap("mix: count waiting", err)
	}
	wait, leave := s.thresholds()
	moved := 0
	for _, ch := range mixChannels {
		if waiting[ch] < wait {
			continue
		}
		group, err := s.takePending(ctx, tx, assemblyID, ch, waiting[ch]-leave)
		if err != nil {
			return 0, err
		}
		if err := s.storeGroup(ctx, tx, a, ch, group); err != nil {
			return 0, err
		}
		moved += len(group)
	}
	if moved == 0 {
		return 0, nil
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, wrap("mix: commit", err)
	}
	s.OnChange(assemblyID)
	return moved, nil
}

// mixFinal mixes everything still waiting, inside the close's transaction
// (after the state is set, so no ballot can join): per channel when every
// channel that has ballots has at least k, else as one group "mixed".
func (s *Service) mixFinal(ctx context.Context, tx pgx.Tx, a *assembly.Assembly) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2::int)`, mixLockClass, a.ID); err != nil {
		return wrap("close: mix lock", err)
	}
	waiting, err := pendingByChannel(ctx, tx, a.ID)
	if err != nil {
		return wrap("close: count waiting", err)
	}
	mixed := map[string]int64{}
	if err := mixedByChannel(ctx, tx, a.ID, mixed); err != nil {
		return wrap("close: count mixed", err)
	}
	k := int64(s.groupSize())
	channels, small := 0, false
	for _, ch := range mixChannels {
		if waiting[ch]+mixed[ch] > 0 {
			channels++
		}
		if waiting[ch] > 0 && waiting[ch]+mixed[ch] < k {
			small = true
		}
	}
	if small && channels > 1 {
		var all []pendingBallot
		for _, ch := range mixChannels {
			g, err := s.takePending(ctx, tx, a.ID, ch, waiting[ch])
			if err != nil {
				return err
			}
			all = append(all, g...)
		}
		return s.storeGroup(ctx, tx, a, ChannelMixed, all)
	}
	for _, ch := range mixChannels {
		if waiting[ch] == 0 {
			continue
		}
		g, err := s.takePending(ctx, tx, a.ID, ch, waiting[ch])
		if err != nil {
			return err
		}
		if err := s.storeGroup(ctx, tx, a, ch, g); err != nil {
			return err
		}
	}
	return nil
}

// mixChannels are the channels whose ballots wait to be mixed (paper is
// entered directly).
var mixChannels = []string{ChannelOnsite, ChannelOnline, ChannelEarly}

// reshuffleLimit is the most phone ballots the close rewrites in random
// order (a dong's assembly has a few thousand; a citywide online vote of a
// million keeps its groups of ≥ k instead of a minute-long close).
const reshuffleLimit = 200_000

// reshuffle rewrites an assembly's stored phone and online ballots, in the
// close's transaction, in one random order with the close's transaction id:
// after it, the heap, a dump and the system columns say nothing even of
// the time slices the mixer's groups were. Paper ballots stay (their audit
// log names them; they carry no code). Returns false when over the limit.
func reshuffle(ctx context.Context, tx pgx.Tx, a *assembly.Assembly) (bool, error) {
	var n int64
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM ballots WHERE assembly_id = $1 AND channel <> 'paper'`, a.ID).Scan(&n); err != nil {
		return false, err
	}
	if n == 0 || n > reshuffleLimit {
		return n == 0, nil
	}
	// One statement at a time: the later ones name the temporary tables
	// the first ones create (a pipelined batch would prepare them first).
	for _, q := range []string{
		`CREATE TEMP TABLE reshuffle_b ON COMMIT DROP AS
			SELECT id, channel, random() AS r FROM ballots WHERE assembly_id = $1 AND channel <> 'paper'`,
		`CREATE TEMP TABLE reshuffle_c ON COMMIT DROP AS
			SELECT c.ballot_id, c.agenda_id, c.position FROM ballot_choices c JOIN reshuffle_b x ON x.id = c.ballot_id
			WHERE c.assembly_id = $1`,
		reshuffleKeepAnswers,
		`DELETE FROM ballots WHERE assembly_id = $1 AND channel <> 'paper'`, // their choices go with them
		`INSERT INTO ballots (id, assembly_id, channel) SELECT id, $1, channel FROM reshuffle_b ORDER BY r`,
		`INSERT INTO ballot_choices (assembly_id, ballot_id, agenda_id, position)
			SELECT $1, c.ballot_id, c.agenda_id, c.position FROM reshuffle_c c JOIN reshuffle_b x ON x.id = c.ballot_id
			ORDER BY x.r, c.position`,
		reshuffleAnswers,
	} {
		if _, err := tx.Exec(ctx, q, a.ID); err != nil {
			return false, wrap("close: reshuffle", err)
		}
	}
	return true, nil
}

type pendingBallot struct {
	channel string
	choices []int64
	answers map[int64]string // question id → yes, no, abstain
}

// takePending deletes n waiting ballots of a channel, chosen at random, and
// opens them.
func (s *Service) takePending(ctx context.Context, tx pgx.Tx, assemblyID int64, channel string, n int64) ([]pendingBallot, error) {
	rows, err := tx.Query(ctx, `DELETE FROM pending_ballots WHERE id IN (
			SELECT id FROM pending_ballots WHERE assembly_id = $1 AND channel = $2 ORDER BY random() LIMIT $3)
		RETURNING sealed`, assemblyID, channel, n)
	if err != nil {
		return nil, wrap("mix: take waiting ballots", err)
	}
	boxes, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, wrap("mix: take waiting ballots", err)
	}
	out := make([]pendingBallot, 0, len(boxes))
	for _, b := range boxes {
		ids, answers, err := s.openBallot(assemblyID, b)
		if err != nil {
			// Never drop an acknowledged ballot: a box that does not open
			// means the wrong secret; stop and keep it waiting.
			return nil, fmt.Errorf("voting: mix: a waiting ballot of assembly %d does not open (is MAEUL_SECRET_FILE the one it was sealed with?): %w", assemblyID, err)
		}
		out = append(out, pendingBallot{channel: channel, choices: ids, answers: answers})
	}
	return out, nil
}

// storeGroup writes a group of opened ballots under one label, in random
// order with random ids, and moves the running counts by the group.
func (s *Service) storeGroup(ctx context.Context, tx pgx.Tx, a *assembly.Assembly, label string, group []pendingBallot) error {
	if len(group) == 0 {
		return nil
	}
	var seed [32]byte
	rand.Read(seed[:])
	r := mrand.New(mrand.NewChaCha8(seed))
	r.Shuffle(len(group), func(i, j int) { group[i], group[j] = group[j], group[i] })

	ids := make([]uuid.UUID, len(group))
	var cBallot []uuid.UUID
	var cAgenda []int64
	var cPos []int32
	perChannel := map[string]int64{}
	type count struct{ votes, points int64 }
	perAgenda := map[int64]*count{}
	for i, b := range group {
		ids[i] = uuid.New()
		perChannel[b.channel]++
		for p, ag := range b.choices {
			cBallot, cAgenda, cPos = append(cBallot, ids[i]), append(cAgenda, ag), append(cPos, int32(p+1))
			c := perAgenda[ag]
			if c == nil {
				c = &count{}
				perAgenda[ag] = c
			}
			c.votes++
			c.points += points(a, p+1)
		}
	}
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO ballots (id, assembly_id, channel) SELECT id, $2, $3 FROM unnest($1::uuid[]) WITH ORDINALITY AS x(id, ord) ORDER BY ord`,
		ids, a.ID, label)
	b.Queue(`INSERT INTO ballot_choices (assembly_id, ballot_id, agenda_id, position)
		SELECT $1, x.b, x.g, x.p FROM unnest($2::uuid[], $3::bigint[], $4::int[]) WITH ORDINALITY AS x(b, g, p, ord) ORDER BY ord`,
		a.ID, cBallot, cAgenda, cPos)
	for ag, c := range perAgenda {
		b.Queue(`INSERT INTO tally_agendas (assembly_id, agenda_id, channel, votes, points) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (assembly_id, agenda_id, channel) DO UPDATE
			SET votes = tally_agendas.votes + excluded.votes, points = tally_agendas.points + excluded.points`,
			a.ID, ag, label, c.votes, c.points)
	}
	queueAnswers(b, a.ID, label, ids, group)
	for ch, n := range perChannel {
		b.Queue(`INSERT INTO tally_channels (assembly_id, channel, ballots) VALUES ($1, $2, $3)
			ON CONFLICT (assembly_id, channel) DO UPDATE SET ballots = tally_channels.ballots + excluded.ballots`,
			a.ID, ch, n)
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return wrap("mix: store group", mapBallotErr(err))
	}
	return nil
}

// points is what choosing an agenda at position p (1 = first) scores:
// K−p+1 for a ranked ballot of up to K, 1 otherwise.
func points(a *assembly.Assembly, p int) int64 {
	if a.Method == assembly.MethodRanked {
		return int64(max(a.MaxChoices-p+1, 0))
	}
	return 1
}

// pendingByChannel counts the ballots waiting per channel.
func pendingByChannel(ctx context.Context, q assembly.Querier, assemblyID int64) (map[string]int64, error) {
	out := map[string]int64{}
	rows, err := q.Query(ctx, `SELECT channel, count(*) FROM pending_ballots WHERE assembly_id = $1 GROUP BY channel`, assemblyID)
	if err != nil {
		return nil, err
	}
	_, err = addByChannel(rows, out)
	return out, err
}

// mixedByChannel adds the stored ballots per channel (paper included) from
// the running counts.
func mixedByChannel(ctx context.Context, q assembly.Querier, assemblyID int64, into map[string]int64) error {
	rows, err := q.Query(ctx, `SELECT channel, ballots FROM tally_channels WHERE assembly_id = $1`, assemblyID)
	if err != nil {
		return err
	}
	_, err = addByChannel(rows, into)
	return err
}

// refreshPaperTally recomputes the paper channel's running counts from its
// ballots (a few hundred at most), in the transaction that changed them,
// scoring with the mixer's own points.
func refreshPaperTally(ctx context.Context, tx pgx.Tx, a *assembly.Assembly) error {
	rows, err := tx.Query(ctx, `SELECT c.agenda_id, c.position FROM ballot_choices c
		JOIN ballots b ON b.assembly_id = c.assembly_id AND b.id = c.ballot_id
		WHERE c.assembly_id = $1 AND b.channel = 'paper'`, a.ID)
	if err != nil {
		return err
	}
	type count struct{ votes, points int64 }
	per := map[int64]*count{}
	for rows.Next() {
		var ag int64
		var pos int
		if err := rows.Scan(&ag, &pos); err != nil {
			rows.Close()
			return err
		}
		if per[ag] == nil {
			per[ag] = &count{}
		}
		per[ag].votes++
		per[ag].points += points(a, pos)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	b := &pgx.Batch{}
	b.Queue(`DELETE FROM tally_agendas WHERE assembly_id = $1 AND channel = 'paper'`, a.ID)
	for ag, c := range per {
		b.Queue(`INSERT INTO tally_agendas (assembly_id, agenda_id, channel, votes, points) VALUES ($1, $2, 'paper', $3, $4)`,
			a.ID, ag, c.votes, c.points)
	}
	b.Queue(`INSERT INTO tally_channels (assembly_id, channel, ballots)
		SELECT $1, 'paper', count(*) FROM ballots WHERE assembly_id = $1 AND channel = 'paper'
		ON CONFLICT (assembly_id, channel) DO UPDATE SET ballots = excluded.ballots`, a.ID)
	return tx.SendBatch(ctx, b).Close()
}
