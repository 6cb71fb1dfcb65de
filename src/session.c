// SPDX-License-Identifier: GPL-2.0
/*
 * The session table. Writers (session creation and removal, which happen on
 * control messages and expiry, not per data packet) take the table's
 * spinlock; readers (dumps, lookups) use RCU. Sessions are hashed by id
 * twice: in a fixed array of chains for dumps and reaping, and in an
 * rhashtable, which grows with the table, for lookups on the packet path. A
 * third hash keeps each LAN client's session count so the per-client cap
 * costs one bucket lookup.
 *
 * The table owns the sessions' lifetime: besides the protocols' own ends,
 * one delayed work per namespace ends the sessions idle for longer than
 * their protocol's timeout, and runs the protocols' @expire ops for their
 * state that is not a session. Events go out through the event hook.
 *
 * Fair shares (docs/security.md): a session the far side has not answered
 * yet (state NEW) is provisional and waits on a list, oldest first. When the
 * namespace is full, a client below its fair share (the cap divided by the
 * clients with sessions) or one with an established session (a rekey) gets
 * the place of the oldest provisional session of a client above its share,
 * found among the VPNPT_EVICT_LOOK oldest.
 */
#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "events.h"
#include "netns.h"
#include "proto.h"
#include "session.h"

/* How often the expiry looks for idle sessions. */
#define VPNPT_EXPIRY_INTERVAL	HZ

/* How many of the oldest provisional sessions an insertion looks at. */
#define VPNPT_EVICT_LOOK	64

/*
 * A client with an established session may take a place for this many
 * provisional sessions of its own above its fair share (rekeys).
 */
#define VPNPT_REKEY_PROVISIONAL	4

/*
 * Only ever touched under the table lock, so freed directly.
 * @count: sessions; @provisional: of them, provisional; @per_proto: by
 * protocol (for the protocols' @client_max)
 */
struct vpnpt_client {
	struct hlist_node hnode;
	__be32 addr;
	u32 count;
	u32 provisional;
	u32 per_proto[__VPNPT_PROTO_MAX];
};

/* Sessions are many (65,536 per namespace by default): a cache of their size. */
static struct kmem_cache *vpnpt_session_cache __read_mostly;

static const struct rhashtable_params vpnpt_byid_params = {
	.key_len = sizeof_field(struct vpnpt_session, id),
	.key_offset = offsetof(struct vpnpt_session, id),
	.head_offset = offsetof(struct vpnpt_session, idnode),
	.automatic_shrinking = true,
};

static struct hlist_head *vpnpt_id_bucket(struct vpnpt_sessions *t, u64 id)
{
	return &t->hash[hash_64(id, VPNPT_SESSION_HASH_BITS)];
}

static struct hlist_head *vpnpt_client_bucket(struct vpnpt_sessions *t,
					      __be32 addr)
{
	u32 h = jhash_1word((__force u32)addr, t->seed);

	return &t->clients[hash_32(h, VPNPT_SESSION_HASH_BITS)];
}

static void vpnpt_expiry_work(struct work_struct *work);
static void vpnpt_evict_work(struct work_struct *work);

static int __net_init vpnpt_sessions_net_init(struct net *net)
{
	struct vpnpt_sessions *t = &vpnpt_net(net)->sessions;
	unsigned int i;
	int err;

	err = rhashtable_init(&t->byid, &vpnpt_byid_params);
	if (err)
		return err;
	spin_lock_init(&t->lock);
	for (i = 0; i < ARRAY_SIZE(t->hash); i++)
		INIT_HLIST_HEAD(&t->hash[i]);
	for (i = 0; i < ARRAY_SIZE(t->clients); i++)
		INIT_HLIST_HEAD(&t->clients[i]);
	t->seed = get_random_u32();
	t->count = 0;
	t->nclients = 0;
	INIT_LIST_HEAD(&t->provisional);
	INIT_LIST_HEAD(&t->evicted);
	INIT_WORK(&t->evict, vpnpt_evict_work);
	t->next_id = 1;
	t->gen = 1;
	t->net = net;
	t->expiring = false;
	INIT_DELAYED_WORK(&t->expiry, vpnpt_expiry_work);
	return 0;
}

/* Under the table lock: queue the expiry unless it is queued or stopped. */
static void vpnpt_expiry_queue(struct vpnpt_sessions *t)
{
	lockdep_assert_held(&t->lock);
	if (t->expiring && !delayed_work_pending(&t->expiry))
		queue_delayed_work(system_power_efficient_wq, &t->expiry,
				   VPNPT_EXPIRY_INTERVAL);
}

void vpnpt_expiry_kick(struct net *net)
{
	struct vpnpt_sessions *t = &vpnpt_net(net)->sessions;

	if (delayed_work_pending(&t->expiry))
		return;
	spin_lock_bh(&t->lock);
	vpnpt_expiry_queue(t);
	spin_unlock_bh(&t->lock);
}

struct vpnpt_session *vpnpt_session_alloc(enum vpnpt_proto proto, gfp_t gfp)
{
	struct vpnpt_session *s = kmem_cache_zalloc(vpnpt_session_cache, gfp);

	if (!s)
		return NULL;
	INIT_HLIST_NODE(&s->hnode);
	INIT_LIST_HEAD(&s->prov);
	s->proto = proto;
	s->state = VPNPT_SESSION_NEW;
	s->created = jiffies;
	s->last_seen = s->created;
	return s;
}

/* A session that was never inserted, or was refused; NULL is ignored. */
void vpnpt_session_free(struct vpnpt_session *s)
{
	if (s)
		kmem_cache_free(vpnpt_session_cache, s);
}

static void vpnpt_session_free_rcu(struct rcu_head *head)
{
	vpnpt_session_free(container_of(head, struct vpnpt_session, rcu));
}

static struct vpnpt_client *vpnpt_client_find(struct vpnpt_sessions *t,
					      __be32 addr)
{
	struct vpnpt_client *c;

	lockdep_assert_held(&t->lock);
	hlist_for_each_entry(c, vpnpt_client_bucket(t, addr), hnode)
		if (c->addr == addr)
			return c;
	return NULL;
}

/* Netlink takes a zero dump sequence for "none yet": skip it. */
static void vpnpt_sessions_changed(struct vpnpt_sessions *t)
{
	lockdep_assert_held(&t->lock);
	WRITE_ONCE(t->gen, t->gen + 1 ?: 1);
}

unsigned int vpnpt_sessions_gen(struct net *net)
{
	return READ_ONCE(vpnpt_net(net)->sessions.gen);
}

static void vpnpt_session_unlink(struct vpnpt_sessions *t,
				 struct vpnpt_session *s);
static void vpnpt_session_finish(struct net *net, struct vpnpt_session *s);

/*
 * The namespace is full (@max sessions) and client @c (NULL: none yet,
 * with @have sessions) wants one more: take the place of the oldest
 * provisional session of a client above its fair share and above @c, if @c
 * may. Looks at VPNPT_EVICT_LOOK sessions at most. The session taken out is
 * destroyed by the table's @evict work: the caller may hold locks of its
 * protocol, which destroy ops take.
 */
static bool vpnpt_session_evict(struct vpnpt_sessions *t,
				struct vpnpt_client *c, u32 max)
{
	u32 have = c ? c->count : 0;
	u32 fair = max / (t->nclients + !c ?: 1);
	struct vpnpt_session *old;
	struct vpnpt_client *v;
	unsigned int n = 0;

	lockdep_assert_held(&t->lock);
	if (have >= fair &&
	    !(c && c->count > c->provisional &&
	      c->provisional < VPNPT_REKEY_PROVISIONAL))
		return false;
	list_for_each_entry(old, &t->provisional, prov) {
		if (++n > VPNPT_EVICT_LOOK)
			break;
		v = vpnpt_client_find(t, old->client);
		if (!v || v == c || v->count <= fair || v->count <= have + 1)
			continue;
		/*
		 * @v keeps a session (count > 1): @c is not freed either.
		 * Like an idle one, it ends without ending its flows, which
		 * may carry @v's answered sessions too (L2TP tunnels).
		 */
		old->expired = true;
		vpnpt_stats_inc(&vpnpt_net(t->net)->stats, old->proto,
				VPNPT_STAT_SESSIONS_EVICTED);
		vpnpt_session_unlink(t, old);
		list_add_tail(&old->gc, &t->evicted);
		queue_work(system_wq, &t->evict);
		return true;
	}
	return false;
}

static void vpnpt_evict_work(struct work_struct *work)
{
	struct vpnpt_sessions *t = container_of(work, struct vpnpt_sessions,
						evict);
	struct vpnpt_session *s, *tmp;
	LIST_HEAD(gone);

	spin_lock_bh(&t->lock);
	list_splice_init(&t->evicted, &gone);
	spin_unlock_bh(&t->lock);
	list_for_each_entry_safe(s, tmp, &gone, gc)
		vpnpt_session_finish(t->net, s);
}

int vpnpt_session_insert(struct net *net, struct vpnpt_session *s)
{
	struct vpnpt_net *vn = vpnpt_net(net);
	struct vpnpt_sessions *t = &vn->sessions;
	u32 max = vpnpt_max_sessions(vn);
	u32 (*client_max)(void) = vpnpt_proto(s->proto)->client_max;
	struct vpnpt_client *c, *newc = NULL;
	int err;

	spin_lock_bh(&t->lock);
	c = vpnpt_client_find(t, s->client);
	if (c && c->count >= vpnpt_max_client_sessions(vn))
		goto refuse;
	if (c && client_max && c->per_proto[s->proto] >= client_max())
		goto refuse;
	/* A new client's entry first: no session is evicted for nothing. */
	if (!c) {
		newc = kzalloc(sizeof(*newc), VPNPT_GFP_STATE);
		if (!newc) {
			spin_unlock_bh(&t->lock);
			vpnpt_session_free(s);
			return -ENOMEM;
		}
	}
	/*
	 * Its place by id next: no session is evicted for a failed insert.
	 * The id is used up even if the session is refused below, so a
	 * lookup still passing over its node never matches a later session.
	 */
	s->id = t->next_id;
	err = rhashtable_insert_fast(&t->byid, &s->idnode, vpnpt_byid_params);
	if (err) {
		spin_unlock_bh(&t->lock);
		kfree(newc);
		vpnpt_session_free(s);
		return err;
	}
	t->next_id++;
	if (t->count >= max && !vpnpt_session_evict(t, c, max)) {
		/* Lookups of other ids may be passing over it: an RCU free. */
		rhashtable_remove_fast(&t->byid, &s->idnode, vpnpt_byid_params);
		spin_unlock_bh(&t->lock);
		kfree(newc);
		vpnpt_stats_inc(&vn->stats, s->proto,
				VPNPT_STAT_SESSIONS_REFUSED);
		call_rcu(&s->rcu, vpnpt_session_free_rcu);
		return -ENOSPC;
	}
	if (!c) {
		c = newc;
		c->addr = s->client;
		hlist_add_head(&c->hnode, vpnpt_client_bucket(t, s->client));
		t->nclients++;
	}
	c->count++;
	c->per_proto[s->proto]++;
	if (s->state == VPNPT_SESSION_NEW) {
		list_add_tail(&s->prov, &t->provisional);
		c->provisional++;
	}
	t->count++;
	vpnpt_stats_inc(&vn->stats, s->proto, VPNPT_STAT_SESSIONS_CREATED);
	vpnpt_stats_active(&vn->stats, s->proto, 1);
	hlist_add_head_rcu(&s->hnode, vpnpt_id_bucket(t, s->id));
	vpnpt_sessions_changed(t);
	vpnpt_expiry_queue(t);
	/*
	 * Announced before the lock goes: from then on a flush can unlink
	 * the session and send its SESSION_DEL (which it does only after
	 * taking this lock), and a listener must never get the end of a
	 * session before its start. Once unlocked, @s may be freed by such
	 * a flush as soon as the caller leaves its RCU read-side section.
	 */
	vpnpt_event_session(net, s, VPNPT_CMD_SESSION_NEW);
	spin_unlock_bh(&t->lock);
	return 0;

refuse:
	spin_unlock_bh(&t->lock);
	vpnpt_stats_inc(&vn->stats, s->proto, VPNPT_STAT_SESSIONS_REFUSED);
	vpnpt_session_free(s);
	return -ENOSPC;
}

/* Unlink from the table. */
static void vpnpt_session_unlink(struct vpnpt_sessions *t,
				 struct vpnpt_session *s)
{
	struct vpnpt_client *c;

	lockdep_assert_held(&t->lock);
	c = vpnpt_client_find(t, s->client);
	hlist_del_init_rcu(&s->hnode);
	rhashtable_remove_fast(&t->byid, &s->idnode, vpnpt_byid_params);
	t->count--;
	vpnpt_sessions_changed(t);
	if (!list_empty(&s->prov)) {
		list_del_init(&s->prov);
		if (c)
			c->provisional--;
	}
	if (c)
		c->per_proto[s->proto]--;
	if (c && !--c->count) {
		hlist_del(&c->hnode);
		kfree(c);
		t->nclients--;
	}
}

/* After unlinking: account, announce, let the protocol clean up, free. */
static void vpnpt_session_finish(struct net *net, struct vpnpt_session *s)
{
	struct vpnpt_net *vn = vpnpt_net(net);

	vpnpt_stats_inc(&vn->stats, s->proto, VPNPT_STAT_SESSIONS_ENDED);
	vpnpt_stats_active(&vn->stats, s->proto, -1);
	vpnpt_event_session(net, s, VPNPT_CMD_SESSION_DEL);
	if (s->ops && s->ops->destroy)
		s->ops->destroy(net, s);
	/* Off every list: @rcu takes the room of @gc (and @prov). */
	call_rcu(&s->rcu, vpnpt_session_free_rcu);
}

void vpnpt_session_remove(struct net *net, struct vpnpt_session *s)
{
	struct vpnpt_sessions *t = &vpnpt_net(net)->sessions;
	bool was_linked;

	spin_lock_bh(&t->lock);
	was_linked = !hlist_unhashed(&s->hnode);
	if (was_linked)
		vpnpt_session_unlink(t, s);
	spin_unlock_bh(&t->lock);
	if (was_linked)
		vpnpt_session_finish(net, s);
}

void vpnpt_session_seen(struct vpnpt_session *s, int dir, unsigned int len)
{
	unsigned long now = jiffies;

	atomic64_inc(&s->packets[dir]);
	atomic64_add(len, &s->bytes[dir]);
	/* Avoid dirtying the cache line more than once per tick. */
	if (READ_ONCE(s->last_seen) != now)
		WRITE_ONCE(s->last_seen, now);
}

struct vpnpt_session *vpnpt_session_find_rcu(struct net *net, u64 id)
{
	struct vpnpt_sessions *t = &vpnpt_net(net)->sessions;

	return rhashtable_lookup(&t->byid, &id, vpnpt_byid_params);
}

/*
 * Under the table lock, so that a change is announced once, and never after
 * the session's SESSION_DEL: a session is unlinked under this lock before
 * that is sent. (Its SESSION_NEW precedes any change: protocols publish a
 * session to their lookups only after inserting it.) Changes are rare, one
 * or two in a session's life, and an unchanged state returns before the
 * lock, so no packet takes it.
 */
void vpnpt_session_set_state(struct net *net, struct vpnpt_session *s,
			     enum vpnpt_session_state state)
{
	struct vpnpt_sessions *t = &vpnpt_net(net)->sessions;

	if (READ_ONCE(s->state) == state)
		return;
	spin_lock_bh(&t->lock);
	if (s->state != state) {
		WRITE_ONCE(s->state, state);
		/* Out of the table, @prov's room is @gc's. */
		if (!hlist_unhashed(&s->hnode)) {
			/* Answered: no longer provisional. */
			if (!list_empty(&s->prov)) {
				struct vpnpt_client *c;

				c = vpnpt_client_find(t, s->client);
				list_del_init(&s->prov);
				if (c)
					c->provisional--;
			}
			vpnpt_event_session(net, s, VPNPT_CMD_SESSION_NEW);
		}
	}
	spin_unlock_bh(&t->lock);
}

/*
 * A session's ids changed (an ESP SA's inbound SPI rebound): announced like
 * a new session, under the table lock for the reasons above. Rare: never
 * from a packet of a known flow.
 */
void vpnpt_session_changed(struct net *net, struct vpnpt_session *s)
{
	struct vpnpt_sessions *t = &vpnpt_net(net)->sessions;

	spin_lock_bh(&t->lock);
	if (!hlist_unhashed(&s->hnode))
		vpnpt_event_session(net, s, VPNPT_CMD_SESSION_NEW);
	spin_unlock_bh(&t->lock);
}

/*
 * Remove the sessions @match picks (marked @expired if @expiry). A bucket
 * at a time: the lock is held for one chain, not for a table of up to a
 * million sessions, and the CPU is given up between buckets.
 */
static unsigned int vpnpt_sessions_reap(struct net *net,
					bool (*match)(const struct vpnpt_session *s,
						      const void *arg),
					const void *arg, bool expiry)
{
	struct vpnpt_sessions *t = &vpnpt_net(net)->sessions;
	struct vpnpt_session *s, *tmp;
	struct hlist_node *next;
	unsigned int i, n = 0;
	LIST_HEAD(gone);

	might_sleep();
	for (i = 0; i < ARRAY_SIZE(t->hash); i++) {
		if (hlist_empty(&t->hash[i]))
			continue;
		spin_lock_bh(&t->lock);
		hlist_for_each_entry_safe(s, next, &t->hash[i], hnode) {
			if (!match(s, arg))
				continue;
			if (expiry)
				s->expired = true;
			vpnpt_session_unlink(t, s);
			list_add_tail(&s->gc, &gone);
			n++;
		}
		spin_unlock_bh(&t->lock);

		list_for_each_entry_safe(s, tmp, &gone, gc)
			vpnpt_session_finish(net, s);
		INIT_LIST_HEAD(&gone);
		cond_resched();
	}
	return n;
}

static bool vpnpt_session_of(const struct vpnpt_session *s, const void *arg)
{
	return *(const u32 *)arg & BIT(s->proto);
}

unsigned int vpnpt_sessions_flush(struct net *net, u32 protos)
{
	unsigned int n;

	n = vpnpt_sessions_reap(net, vpnpt_session_of, &protos, false);
	/*
	 * Sessions evicted before or during the reap are destroyed now: the
	 * caller's protocols may be going away. None of @protos is left in
	 * the table to be evicted later.
	 */
	flush_work(&vpnpt_net(net)->sessions.evict);
	return n;
}

/* Idle for longer than the timeout of its protocol, in jiffies (@arg). */
static bool vpnpt_session_idle(const struct vpnpt_session *s, const void *arg)
{
	const unsigned long *idle = arg;

	return time_after(jiffies, READ_ONCE(s->last_seen) + idle[s->proto]);
}

static void vpnpt_expiry_work(struct work_struct *work)
{
	struct vpnpt_sessions *t = container_of(to_delayed_work(work),
						struct vpnpt_sessions, expiry);
	struct vpnpt_net *vn = vpnpt_net(t->net);
	unsigned long idle[__VPNPT_PROTO_MAX];
	const struct vpnpt_proto_ops *ops;
	bool more = false;
	int p;

	for (p = 0; p < __VPNPT_PROTO_MAX; p++)
		idle[p] = READ_ONCE(vn->timeouts[p]) * HZ;
	vpnpt_sessions_reap(t->net, vpnpt_session_idle, idle, true);

	for (p = 0; p < __VPNPT_PROTO_MAX; p++) {
		ops = vpnpt_proto(p);
		if (ops->expire && ops->expire(t->net, jiffies))
			more = true;
	}

	spin_lock_bh(&t->lock);
	if (t->count || more)
		vpnpt_expiry_queue(t);
	spin_unlock_bh(&t->lock);
}

/* Every protocol has removed its sessions at its own exit; any left go. */
static void __net_exit vpnpt_sessions_net_exit(struct net *net)
{
	vpnpt_sessions_flush(net, VPNPT_PROTO_ALL);
	rhashtable_destroy(&vpnpt_net(net)->sessions.byid);
}

static struct pernet_operations vpnpt_sessions_net_ops = {
	.init = vpnpt_sessions_net_init,
	.exit = vpnpt_sessions_net_exit,
};

int vpnpt_sessions_register(void)
{
	int err;

	vpnpt_session_cache = KMEM_CACHE(vpnpt_session, SLAB_ACCOUNT);
	if (!vpnpt_session_cache)
		return -ENOMEM;
	err = register_pernet_subsys(&vpnpt_sessions_net_ops);
	if (err)
		kmem_cache_destroy(vpnpt_session_cache);
	return err;
}

void vpnpt_sessions_unregister(void)
{
	unregister_pernet_subsys(&vpnpt_sessions_net_ops);
	/* The last sessions' frees (call_rcu) first. */
	rcu_barrier();
	kmem_cache_destroy(vpnpt_session_cache);
}

/*
 * Started after every protocol's per-namespace state, stopped before it:
 * the worker calls the protocols' @expire ops.
 */
static int __net_init vpnpt_expiry_net_init(struct net *net)
{
	struct vpnpt_sessions *t = &vpnpt_net(net)->sessions;

	spin_lock_bh(&t->lock);
	t->expiring = true;
	/* State may have come before: look once, it stops when idle. */
	vpnpt_expiry_queue(t);
	spin_unlock_bh(&t->lock);
	return 0;
}

static void __net_exit vpnpt_expiry_net_exit(struct net *net)
{
	struct vpnpt_sessions *t = &vpnpt_net(net)->sessions;

	spin_lock_bh(&t->lock);
	t->expiring = false;
	spin_unlock_bh(&t->lock);
	cancel_delayed_work_sync(&t->expiry);
}

static struct pernet_operations vpnpt_expiry_net_ops = {
	.init = vpnpt_expiry_net_init,
	.exit = vpnpt_expiry_net_exit,
};

int vpnpt_expiry_register(void)
{
	return register_pernet_subsys(&vpnpt_expiry_net_ops);
}

void vpnpt_expiry_unregister(void)
{
	unregister_pernet_subsys(&vpnpt_expiry_net_ops);
}

/*
 * Sessions enter a bucket at its head and ids only grow, so every bucket
 * lists its sessions in descending id order. A walk resumes in the bucket
 * where it stopped, after the last session it reported (*@last): sessions
 * with an id >= *@last were reported already or came later. Removals and
 * insertions between the pages shift no position, so no session is
 * reported twice or skipped for it.
 */
int vpnpt_sessions_walk(struct net *net, u32 protos, unsigned long *bucket,
			u64 *last,
			int (*fn)(const struct vpnpt_session *s, void *arg),
			void *arg)
{
	struct vpnpt_sessions *t = &vpnpt_net(net)->sessions;
	struct vpnpt_session *s;
	int ret = 0;

	rcu_read_lock();
	for (; *bucket < ARRAY_SIZE(t->hash); (*bucket)++, *last = 0) {
		hlist_for_each_entry_rcu(s, &t->hash[*bucket], hnode) {
			if (*last && s->id >= *last)
				continue;
			if (!(protos & BIT(s->proto)))
				continue;
			ret = fn(s, arg);
			if (ret)
				goto out;
			*last = s->id;
		}
	}
out:
	rcu_read_unlock();
	return ret;
}
