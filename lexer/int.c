/* int.c — integer literals as bpftrace reads them (see lex_parse_uint in lexer.h). */
#include "lexer/lexer.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct int_suffix {
	const char *name;
	uint64_t max, mul;
};

static const struct int_suffix int_suffixes[] = {
	{ "", UINT64_MAX, 1 },
	{ "u", UINT32_MAX, 1 },
	{ "ul", UINT64_MAX, 1 },
	{ "ull", UINT64_MAX, 1 },
	{ "l", INT64_MAX, 1 },
	{ "ll", INT64_MAX, 1 },
	{ "ns", UINT64_MAX, 1 },
	{ "us", UINT64_MAX, 1000ULL },
	{ "ms", UINT64_MAX, 1000000ULL },
	{ "s", UINT64_MAX, 1000000000ULL },
	{ "m", UINT64_MAX, 60000000000ULL },
	{ "h", UINT64_MAX, 3600000000000ULL },
	{ "d", UINT64_MAX, 86400000000000ULL },
};

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

int lex_parse_uint(const char *s, size_t len, uint64_t *out, char *err, size_t err_size)
{
	char buf[128], lower[8];
	size_t n = 0, i = 0;
	unsigned base = 10;
	uint64_t v = 0;
	bool overflow = false, any = false;

	/* drop the '_' separators */
	for (size_t k = 0; k < len; k++) {
		if (s[k] == '_')
			continue;
		if (n + 1 >= sizeof(buf)) {
			snprintf(err, err_size, "overflow error, maximum value is %llu: %.*s",
				 (unsigned long long)UINT64_MAX, (int)len, s);
			return -1;
		}
		buf[n++] = s[k];
	}
	buf[n] = 0;
	if (n >= 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (n >= 2 && buf[0] == '0' && (buf[1] == 'b' || buf[1] == 'B')) {
		base = 2;
		i = 2;
	} else if (n >= 2 && buf[0] == '0' && buf[1] >= '0' && buf[1] <= '7') {
		base = 8;
		i = 1;
	}
	for (; i < n && digit_value(buf[i]) < (int)base; i++) {
		unsigned d = (unsigned)digit_value(buf[i]);

		any = true;
		if (v > (UINT64_MAX - d) / base)
			overflow = true;
		else
			v = v * base + d;
	}
	if (!any && base != 8) {
		snprintf(err, err_size, "invalid integer: %.*s", (int)len, s);
		return -1;
	}
	if (overflow) {
		snprintf(err, err_size, "overflow error, maximum value is %llu: %.*s",
			 (unsigned long long)UINT64_MAX, (int)len, s);
		return -1;
	}
	if (i + 1 < n && (buf[i] == 'e' || buf[i] == 'E') && buf[i + 1] >= '1' &&
	    buf[i + 1] <= '9') {
		uint64_t e = 0;

		if (v == 0 || v >= 10) {
			snprintf(err, err_size,
				 "coefficient part of scientific literal must be 1-9: %.*s",
				 (int)len, s);
			return -1;
		}
		for (i++; i < n && isdigit((unsigned char)buf[i]); i++) {
			e = e * 10 + (uint64_t)(buf[i] - '0');
			if (e > 100)
				e = 100;
		}
		while (e-- > 0) {
			if (v > UINT64_MAX / 10) {
				snprintf(err, err_size,
					 "overflow error, maximum value is %llu: %.*s",
					 (unsigned long long)UINT64_MAX, (int)len, s);
				return -1;
			}
			v *= 10;
		}
	}
	/* suffix, case-insensitive for the C suffixes */
	if (n - i >= sizeof(lower))
		goto bad_suffix;
	for (size_t k = i; k <= n; k++)
		lower[k - i] = (char)tolower((unsigned char)buf[k]);
	for (size_t k = 0; k < ARRAY_SIZE(int_suffixes); k++) {
		const struct int_suffix *sf = &int_suffixes[k];
		bool is_c = sf->mul == 1 && sf->name[0] && sf->name[0] != 'n';

		if (strcmp(is_c ? lower : buf + i, sf->name) != 0)
			continue;
		if (v > sf->max / sf->mul) {
			snprintf(err, err_size, "overflow error, maximum value is %llu: %.*s",
				 (unsigned long long)sf->max, (int)len, s);
			return -1;
		}
		*out = v * sf->mul;
		return 0;
	}
bad_suffix:
	snprintf(err, err_size, "invalid trailing bytes: %.*s", (int)len, s);
	return -1;
}
