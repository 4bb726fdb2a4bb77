/* fuzz_btf.c — source of tests/data/fuzz.btf, a small stand-in for the kernel's
 * BTF used by the compile fuzzer (tests/fuzz/fuzz_compile.c): a few kernel-like
 * structs, unions, enums, typedefs and functions, so that casts, field access,
 * kfunc-style args and enum values reach sema and codegen.
 *   clang-19 -target bpf -g -O0 -c fuzz_btf.c -o fuzz_btf.o
 *   llvm-objcopy-19 --dump-section .BTF=fuzz.btf fuzz_btf.o */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef int pid_t;
typedef _Bool bool;

enum pid_type { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_PGID, PIDTYPE_SID, PIDTYPE_MAX };
enum { TASK_RUNNING = 0, TASK_INTERRUPTIBLE = 1 };

struct list_head { struct list_head *next, *prev; };
struct qstr { union { struct { u32 hash; u32 len; }; u64 hash_len; }; const unsigned char *name; };
struct dentry { unsigned int d_flags; struct dentry *d_parent; struct qstr d_name;
	unsigned char d_iname[40]; };
struct vfsmount { struct dentry *mnt_root; int mnt_flags; };
struct path { struct vfsmount *mnt; struct dentry *dentry; };
struct inode { unsigned short i_mode; unsigned int i_flags; unsigned long i_ino; long long i_size; };
struct file { struct path f_path; struct inode *f_inode; unsigned int f_flags; long long f_pos; };
struct mm_struct { unsigned long start_code, end_code, arg_start, arg_end; int map_count; };
struct css_set;
struct task_struct {
	unsigned int __state;
	int prio;
	pid_t pid;
	pid_t tgid;
	struct task_struct *real_parent;
	struct task_struct *parent;
	struct list_head children;
	struct mm_struct *mm;
	char comm[16];
	struct css_set *cgroups;
	unsigned long flags : 12, ptrace : 4, other : 48;
	u64 start_time;
	enum pid_type ptype;
};
struct sock_common { unsigned short skc_family; u16 skc_dport; u16 skc_num; u32 skc_daddr;
	u32 skc_rcv_saddr; unsigned char skc_state; };
struct sock { struct sock_common __sk_common; int sk_rcvbuf; u32 sk_priority; };
struct sk_buff { unsigned int len, data_len; u16 protocol; unsigned char *head, *data;
	struct sock *sk; };
struct pt_regs { unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si,
	di, orig_ax, ip, cs, flags, sp, ss; };
struct timespec64 { long long tv_sec; long tv_nsec; };
typedef struct { int counter; } atomic_t;
struct request { struct request *next; int tag; unsigned int __data_len; u64 __sector;
	atomic_t ref; void (*end_io)(struct request *, int); };
union bpf_attr { u32 map_type; struct { u32 prog_type; u32 insn_cnt; }; };

long vfs_read(struct file *file, char *buf, unsigned long count, long long *pos)
{ return file->f_pos + count + (pos ? *pos : 0) + (buf ? 1 : 0); }
long vfs_write(struct file *file, const char *buf, unsigned long count, long long *pos)
{ return file->f_flags + count + (pos ? *pos : 0) + (buf ? 1 : 0); }
int do_sys_openat2(int dfd, const char *filename, void *how)
{ return dfd + (filename ? 1 : 0) + (how ? 1 : 0); }
void wake_up_new_task(struct task_struct *p) { p->prio = 0; }
int tcp_sendmsg(struct sock *sk, void *msg, unsigned long size)
{ return sk->sk_rcvbuf + (int)size + (msg ? 1 : 0); }
void blk_mq_start_request(struct request *rq) { rq->tag = 0; }
void kfree_skb(struct sk_buff *skb) { skb->len = 0; }
int ktime_get_ts(struct timespec64 *ts) { return (int)ts->tv_sec; }
u64 bpf_map_lookup(union bpf_attr *attr, bool b, enum pid_type t, atomic_t a)
{ return attr->map_type + b + t + a.counter; }
