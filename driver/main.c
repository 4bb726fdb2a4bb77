/* main.c — scry's entry point (placeholder). */
#include <stdio.h>
#include <string.h>

#include "scry_version.h"

int main(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
		printf("scry v%s\n", SCRY_VERSION);
		return 0;
	}
	fprintf(stderr, "scry: nothing implemented yet\n");
	return 1;
}
