/* uprog_cpp.cpp — C++ target for `uprobe:<bin>:cpp:<name>` attach points:
 * overloaded functions and a member function in a namespace.
 *
 * Usage: uprog_cpp [N]   calls them N times (default 1), 100ms apart. */
#include <cstdlib>
#include <unistd.h>

namespace uprog {
struct Widget {
	int v;
	int __attribute__((noinline)) get(int x) { return v + x; }
};

int __attribute__((noinline)) helper(int a)
{
	return a * 2;
}

int __attribute__((noinline)) helper(const char *s)
{
	return s[0];
}
} // namespace uprog

int main(int argc, char **argv)
{
	int n = argc > 1 ? std::atoi(argv[1]) : 1;
	uprog::Widget w{ n };
	volatile int r = 0;

	for (int i = 0; i < n; i++) {
		r = r + uprog::helper(i) + uprog::helper("x") + w.get(i);
		if (n > 1)
			usleep(100000);
	}
	return r & 1;
}
