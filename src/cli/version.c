/* `ward --version`: line 1 as go-runc and dockerd parse it, then the libraries in use. */
#include <libmount/libmount.h>
#include <seccomp.h>
#include <stdio.h>
#include <yajl/yajl_version.h>

#include "commit.h"
#include "ward/cli.h"

void print_version(void)
{
	const struct scmp_version *sv = seccomp_version();
	const char *mnt = "unknown";
	int yv = yajl_version();

	mnt_get_library_version(&mnt);
	printf("ward version %s\n", PACKAGE_VERSION);
	printf("commit: %s\n", WARD_COMMIT);
	printf("spec: %s\n", WARD_OCI_VERSION);
	printf("libseccomp: %u.%u.%u\n", sv->major, sv->minor, sv->micro);
	printf("libcap: %s\n", CAP_BUILD_VERSION);
#ifdef HAVE_SELINUX
	printf("libselinux: %s\n", SELINUX_BUILD_VERSION);
#else
	printf("libselinux: none (built without SELinux support)\n");
#endif
	printf("yajl: %d.%d.%d\n", yv / 10000, yv / 100 % 100, yv % 100);
	printf("libmount: %s\n", mnt);
}
