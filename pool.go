package lunar

import (
	"context"
	"sync"
)

// Pool hands out States for running scripts on many goroutines at once.
// Each State serves one goroutine at a time; a State comes back to the
// pool reset, so what one run changes (globals, library tables,
// metatables) is never seen by the next. Pool is safe for concurrent use.
//
// The recommended way to serve requests:
//
//	pool := lunar.NewPool(lunar.WithLibraries(stdlib.Safe), lunar.WithLimits(lim))
//	res, err := pool.Run(ctx, prog, args...)
type Pool struct {
	opts []Option
	p    sync.Pool
}

// NewPool returns a pool whose states are made with opts.
func NewPool(opts ...Option) *Pool {
	p := &Pool{opts: opts}
	p.p.New = func() any { return NewState(p.opts...) }
	return p
}

// Get returns a state from the pool, fresh or reset.
func (p *Pool) Get() *State { return p.p.Get().(*State) }

// Put resets s and returns it to the pool.
func (p *Pool) Put(s *State) {
	s.Reset()
	p.p.Put(s)
}

// Run runs prog on a state from the pool and returns its results. The
// results are Go values of the run's state; tables among them stay valid
// (the state's next run never touches them).
func (p *Pool) Run(ctx context.Context, prog *Program, args ...Value) ([]Value, error) {
	s := p.Get()
	defer p.Put(s)
	return s.Run(ctx, prog, args...)
}
