#[=======================================================================[.rst:
Ocimake
-------

Build a CMake project's install artifacts into a minimal, bit-for-bit
reproducible OCI container image, inside the project's own Ninja graph and
with no container daemon.

.. code-block:: cmake

  find_package(ocimake REQUIRED)
  add_executable(hello main.cpp)
  install(TARGETS hello)
  add_container_image(hello-image
    ENTRYPOINT /usr/local/bin/hello
    BASE scratch
    TAG hello:1.0)

``cmake --build build --target image`` then leaves ``build/hello-image/``, an
OCI image layout, ``--target hello-image-archive`` writes
``build/hello-image.tar`` for ``docker load`` / ``podman load``, and
``--target hello-image-push`` pushes it to a registry.

Commands
^^^^^^^^

.. command:: add_container_image

  .. code-block:: cmake

    add_container_image(<name>
      [BASE <scratch | layout-dir[:tag] | oci-archive | docker-archive |
             host/repository[:tag][@sha256:digest]>]
      [BASE_REFRESH <always | never | minutes>]
      [TAG <name:tag>]
      [PUSH_TO <host/repository[:tag]>]
      [ENTRYPOINT <arg>...] [CMD <arg>...]
      [ENV <KEY=value>...] [WORKDIR <dir>] [USER <user[:group]>]
      [WRITABLE <dir>...]
      [EXPOSE <port[/proto]>...] [VOLUMES <dir>...]
      [LABELS <key=value>...] [ANNOTATIONS <key=value>...]
      [COMPONENTS <component>...] [LAYERS <component>...]
      [PREFIX <dir>] [DEPENDS <target>...]
      [KEEP_DEVELOPMENT_FILES <bool>] [EXCLUDE <glob>...]
      [RUNTIME_PACKAGES <debian-package>...]
      [COMPRESSION <gzip|zstd|none>] [LAYER_SPLIT_SIZE <size>|OFF]
      [ABI_CHECK <bool>] [OS <os>] [ARCH <architecture>] [STOP_SIGNAL <signal>]
      [TOOLCHAIN <toolchain> [TEST_STAGE <bool>] [SECRETS id=<id>,src=<path>...]
                             [CACHE_VARIABLES <NAME=value>...] [SOURCE_ROOT <dir>]
                             [CACHE_MOUNTS <id>[=<path>]...] [COMPILER_CACHE <ccache|sccache>]]
      [PLATFORMS <os/arch[/variant]>...]
      [CHECK_REPRODUCIBLE <bool>] [SBOM <bool>]
      [ALL])

  Declares the image ``<name>``: a target of that name that builds the OCI
  image layout ``${CMAKE_CURRENT_BINARY_DIR}/<name>/``, a target
  ``<name>-archive`` that writes ``${CMAKE_CURRENT_BINARY_DIR}/<name>.tar``
  (a docker-archive that is also an oci-archive), a target ``<name>-push``
  that pushes the image to a registry (``ocimake push``, see ``PUSH_TO``), a
  target ``<name>-run`` that runs the image's entrypoint in
  ``ocimake-sandbox`` in the terminal, and membership of the umbrella target
  ``image`` (named by :variable:`OCIMAKE_IMAGE_TARGET`).

  The image holds, as separate layers, each its own Ninja edge:

  1. the layers of ``BASE``, reused as they are (their blobs verified);
  2. the runtime libraries: the shared-library closure of every ELF file the
     install rules stage (``PT_INTERP`` and ``DT_NEEDED``, resolved as
     ``ld.so`` resolves them, with the SONAME links), leaving out what
     ``BASE`` already has;
  3. the files of the ``RUNTIME_PACKAGES`` (when given);
  4. with ``LAYERS``: the project's own shared libraries, then one layer per
     ``LAYERS`` install component;
  5. the application: what the install rules of the calling directory and
     its subdirectories install (``cmake --install`` into a staging tree),
     runtime files only (see ``KEEP_DEVELOPMENT_FILES``), less what the
     layers below took;
  6. the runtime user's files: ``/etc/passwd`` and ``/etc/group`` (the
     base's, with the accounts ``root``, ``nonroot`` (65532) and ``nobody``
     added where the base has none of that name), ``/home/nonroot``, ``/tmp``
     (mode 1777) and the ``WRITABLE`` directories, owned by the runtime user.

  An edit re-packs only the layers it touched; a build with no change runs
  no command.

  What is built for the image: the targets the install rules install
  (``install(TARGETS)``, and targets named by ``$<TARGET_FILE:...>``-style
  generator expressions in any ``install()`` call), with what they link,
  and ``DEPENDS``; never a test program, a benchmark, a custom target or
  CTest's dashboard targets that no install rule installs. ocimake learns
  this by wrapping ``install()`` when it is loaded, so ``find_package(ocimake)``
  belongs near the top, before the targets: a target declared before it is
  built for the image when it is part of ``ALL`` (what ``ninja install``
  builds), and configure says so in one status line.

  Before the image is written, the program ``ENTRYPOINT`` (or, without one,
  ``CMD``) names must be in it: at that path, or for a bare name on the
  image's ``PATH``. If not, the build fails with one line naming the closest
  path there is. An all-caps word in ``ENTRYPOINT`` or ``CMD`` that is a
  misspelt keyword (``WORKDIRR``) or a keyword of another ocimake command
  (``PACKAGES``) gets a configure-time warning.

  A shared library the closure finds only through ``ld.so.conf`` (the
  project's own ``/usr/local/lib/libfoo.so.1``) gets a symlink in the default
  library directory (``/usr/lib/x86_64-linux-gnu/libfoo.so.1``), since an
  image has no ``ld.so.cache``.

  ``BASE``
    ``scratch`` (the default: an empty base), the name of another image of
    this build, an OCI image layout directory with an optional ``:tag``, an
    ``oci-archive`` or a ``docker-archive`` tarball, or a registry reference
    whose first component names the registry host
    (``registry.example.com/base/debian:12``, ``127.0.0.1:5000/base@sha256:...``).
    A registry base is pulled into the cache (``$OCIMAKE_CACHE_DIR``, default
    ``~/.cache/ocimake``) when the image is built, for the image's platform.
    A base given by tag follows its tag (see ``BASE_REFRESH``): the build
    pins the digest the tag names in a file, and a moved tag rebuilds the
    image on the new base. A digest-pinned base never moves, costs no
    request once it is in the cache, and builds offline.
    Credentials, CAs and insecure registries: see ``docs/registries.md``.

  ``BASE_REFRESH``
    When a build asks the registry where a ``BASE`` given by tag points now
    (one ``HEAD`` request for the manifest, at most once per build whichever
    images share the base; ``ocimake base-digest``): ``always`` (the
    default: every build), ``never`` (once, the first time; delete
    ``<build>/ocimake-base-pins/`` to ask again) or a number of minutes
    (when the last check is older than that). When the tag moved, the image,
    its closure, user layer and SBOM are built again on the new base;
    otherwise nothing downstream runs. When the registry cannot be reached
    and a digest was recorded before, the build prints a one-line warning
    and goes on with that digest (served from the cache, offline). Ignored,
    with a warning, for any other ``BASE``.

  ``TAG``
    The image's name, ``NAME:TAG`` (``hello:1.0``,
    ``registry.example.com/team/api:2``), written in ``index.json`` as moby
    and containerd write it: the tag alone in
    ``org.opencontainers.image.ref.name`` (what ``skopeo``'s ``oci:DIR:1.0``
    and ``umoci``'s ``DIR:1.0`` look up) and the name normalised as docker
    does in ``io.containerd.image.name`` (``docker.io/library/hello:1.0``);
    also the name ``docker load`` gives it. ``ocimake`` finds it by either
    (``build/hello-image:hello:1.0`` or ``build/hello-image:1.0``).
    Default: ``<name>:latest``.

  ``PUSH_TO``
    The reference the ``<name>-push`` target pushes the image to
    (``registry.example.com/team/hello:1.0``). Default: ``TAG``, which then
    must name a registry (a bare ``hello:1.0`` means Docker Hub's
    ``docker.io/library/hello:1.0``). ``cmake --build build --target
    <name>-push`` builds the image when needed, then runs ``ocimake push``:
    blobs the registry has are skipped, the manifest is put by digest, then
    under the tag, and the digest is printed.

  ``ENTRYPOINT``, ``CMD``
    Exec-form command line (each argument one list item). As in a
    Dockerfile, a new ``ENTRYPOINT`` clears a ``CMD`` inherited from the base.

  ``ENV``, ``WORKDIR``, ``USER``, ``EXPOSE``, ``VOLUMES``, ``LABELS``
    The image config, merged over the base's: ``ENV`` replaces by key (an
    image whose base and ``ENV`` set no ``PATH`` gets Docker's default,
    ``/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin``),
    ``EXPOSE`` (``8080`` means ``8080/tcp``), ``VOLUMES`` and ``LABELS``
    merge.

  ``USER``
    The user the image runs as. Without ``USER``, and with none inherited
    from ``BASE``, the image runs as ``65532:65532`` (``nonroot``, as
    distroless and ko images do). ``USER root`` (or any other user) opts
    out; a named user that neither ``BASE``'s ``/etc/passwd`` nor ocimake's
    accounts have fails the build, naming it.

  ``WRITABLE``
    Directories (absolute, inside the image) created owned by the runtime
    user, mode 0755, in the runtime user's layer (on top, so its ownership
    wins over a directory the install rules made). ``/tmp`` (1777) always
    is. :command:`add_container_test` and ``<name>-run`` run as the image's
    user on a read-only root in which exactly the directories the image
    gives to its user are writable (each a private copy, discarded after
    the run), so a test proves the service can write where it needs to::

      add_container_image(api
        WRITABLE /var/cache/api /var/lib/api
        ENTRYPOINT /usr/local/bin/api)

  ``ANNOTATIONS``
    ``key=value`` annotations of the image manifest.

  ``COMPONENTS``
    Install only these install components (``cmake --install --component``).
    Default: every component.

  ``LAYERS``
    Install components that each become a layer of their own, in this
    order, below the application layer that holds the rest (as Jib splits
    dependencies, resources and classes): each is its own Ninja edge,
    re-packed (and re-pushed) only when a file of that component changes.
    With ``LAYERS``, the closure is split too: the libraries of Debian
    packages stay in the runtime-libraries layer, and the project's own
    shared libraries (``lib*.so*`` its install rules install, and libraries
    of the root that no Debian package owns, built or vendored there) get a
    layer of their own above it. A component that installs nothing fails
    the build, naming it::

      install(DIRECTORY assets/ DESTINATION share/api COMPONENT assets)
      install(TARGETS api-plugins LIBRARY DESTINATION lib/api COMPONENT plugins)
      add_container_image(api LAYERS assets plugins ENTRYPOINT /usr/local/bin/api)

  ``PREFIX``
    The install prefix inside the image. Default: ``/usr/local``.

  ``DEPENDS``
    More targets to build before installing: those whose output an
    ``install(FILES)``, ``install(DIRECTORY)`` or ``install(SCRIPT)`` copies
    but no ``install(TARGETS)`` names (a custom target that generates docs
    or data). In a toolchain build they are built inside the stage.

  ``KEEP_DEVELOPMENT_FILES``
    ``ON`` keeps what install rules install for developers. By default it is
    left out of the image: headers (``.h``, ``.hpp``, ... and anything below
    an ``include/`` directory), static libraries (``.a``, ``.la``), CMake
    package files (``*Config.cmake``, ``*-config.cmake``, ``.cmake`` files
    below a ``cmake/`` directory), pkg-config files (``.pc``, ``pkgconfig/``),
    and man, info and doc pages (``share/man``, ``share/info``,
    ``share/doc``). Directories left empty by that go too. The build prints
    what was left out, and the application layer's history comment (shown
    by ``ocimake inspect``) says it.

  ``EXCLUDE``
    ``fnmatch`` globs of more to leave out. A glob with a ``/`` matches the
    whole path in the image (``/usr/local/share/app/tests/*``, where ``*``
    also matches ``/``); one without matches any file or directory name
    (``*.debug``). A matched directory goes whole. Applied with
    ``KEEP_DEVELOPMENT_FILES ON`` too.

  ``RUNTIME_PACKAGES``
    Debian packages whose files the image needs at run time (data, not
    libraries the closure finds): ``ca-certificates`` for TLS clients to
    verify certificates, ``tzdata`` for ``TZ=Europe/Paris``. Their files
    are taken from the dpkg database of the root the program is built in
    (the toolchain rootfs, or the host's for a host build), in a layer of
    their own above the libraries': each package's listed files, links and
    conffiles at their canonical paths (``/lib/x`` of a merged-``/usr``
    root is ``/usr/lib/x``, with the ``/lib`` link), without
    ``/usr/share/doc``, ``man``, ``info`` and ``lintian``; plus the files its
    maintainer scripts made: the entries no package owns directly in a
    directory the package lists, at least three levels deep, that its
    scripts name (``/etc/ssl/certs/ca-certificates.crt``). The shared
    libraries of the packages' ELF files join the libraries layer. A
    package not installed in the root fails the build naming it.

  ``COMPRESSION``
    ``gzip`` (default), ``zstd`` or ``none`` for the layers written.

  ``LAYER_SPLIT_SIZE``
    ``64MiB`` (default; a number of bytes, ``KiB``, ``MiB`` or ``GiB``) or
    ``OFF``. An application layer (without ``LAYERS``) of at least this
    size is written as several layers, so that an edit re-packs only the
    part the edited file is in (see `Large install trees`_). A part is cut
    by what its entries cost in the tar; a file of at least a quarter of the
    size is a part of its own; otherwise a part ends once it holds the size,
    or once it holds a quarter and the next path hashes to a cut point. The
    cut points come from the paths, so adding a file moves the boundaries
    of its own part only. Deterministic: the same tree gives the same
    layers on any machine. At most 32 parts (a larger tree is cut as if the
    size were doubled until it fits). Not split: a tree with a multiply
    linked file (a hardlink needs its target in the same layer).

  ``ABI_CHECK``
    ``ON`` (default): when ``BASE`` provides a library an image's ELF file
    needs (the C library, ``libstdc++``), every symbol version the file needs
    from it (``GLIBC_2.34``, ``GLIBCXX_3.4.30``, ``CXXABI_1.3.13``; weak ones
    aside) must be one the base's library defines, else the build fails with
    one line naming the file, the library, the version and the newest of its
    kind the base has: a program built with a newer toolchain than the base's
    C library would not start in the image. Checked for the installed files
    and the libraries the closure ships, each against the base's manifest of
    its platform (the base's root filesystem is unpacked once into the
    cache, only when it provides some such library). ``OFF`` skips the
    check.

  ``OS``, ``ARCH``
    The platform in the image config. Default: the base's, else the host's.
    Only relabels; to build for another CPU, use ``PLATFORMS``.

  ``PLATFORMS``
    The platforms to build the image for, as OCI names them:
    ``linux/amd64``, ``linux/arm64``, ``linux/arm/v7``, ``linux/386``,
    ``linux/ppc64le``, ``linux/s390x``, ``linux/riscv64`` (the table is
    ``cmake/ocimake/platforms.txt``; another name is a configure error listing
    these). Default: the host's, a plain image manifest, as without it. The
    host's platform builds natively; any other is cross-compiled, so it needs
    a ``TOOLCHAIN`` declared with it in its ``PLATFORMS``: its build stage has
    its own inner build directory, configured with a toolchain file ocimake
    writes (Debian's ``<triplet>-gcc``/``g++``, ``CMAKE_SYSTEM_PROCESSOR``,
    ``CMAKE_LIBRARY_ARCHITECTURE``, pkg-config for the target's ``.pc`` files,
    and ``qemu-<arch>-static`` as ``CMAKE_CROSSCOMPILING_EMULATOR``, so
    ``TEST_STAGE`` runs the project's tests under emulation). Each platform has
    its own stage, closure (resolved in the rootfs's ``/usr/lib/<multiarch>``
    by each file's ELF machine), layers and manifest, each a Ninja edge; the
    platforms' closures, layers and manifests run in parallel as Ninja's jobs
    allow, while their build stages take turns in Ninja's console pool (so
    their output streams whole), each inner Ninja using every core. An
    installed ELF file of another machine fails the build naming it. With two or more platforms the layout's tag names
    an OCI image index with one manifest per platform, in the given order;
    ``<name>-archive`` writes one docker-archive per platform,
    ``<name>-linux-arm64.tar`` and so on (``docker load`` takes one image);
    ``<name>-push`` pushes every manifest, then the index; ``<name>-run``
    runs the host's platform (else the first, under qemu). A ``BASE`` gives
    each platform its own manifest (a multi-platform layout, archive or
    registry index; only the platforms asked for are pulled); a base without
    one of the platforms fails the build, naming the platforms it has.
    :command:`add_container_test` registers one test per platform.

    .. code-block:: cmake

      add_container_toolchain(bookworm DEBIAN bookworm
        PACKAGES g++ cmake ninja-build libfmt-dev
        PLATFORMS linux/amd64 linux/arm64)
      add_container_image(greeter TOOLCHAIN bookworm
        PLATFORMS linux/amd64 linux/arm64 TEST_STAGE ON
        ENTRYPOINT /usr/local/bin/greeter)

  ``TOOLCHAIN``
    Build in a toolchain rootfs declared by :command:`add_container_toolchain`
    instead of on the host: the project (the source tree of the nearest
    ``project()``) is configured with the rootfs's own ``cmake`` and compilers,
    built and installed inside ``ocimake-sandbox``, the source read-only, with
    no network. ``CMAKE_BUILD_TYPE`` is passed in, and so are the project's
    own options: ``BUILD_SHARED_LIBS`` and every ``BOOL``, ``STRING`` or
    untyped (``-D`` on the command line) cache entry that is not advanced,
    except CMake's and its modules' (``CMAKE_*``, ``CPACK_*``, ``CTEST_*``,
    ``DART_*``, ``MEMORYCHECK_*``, ``COVERAGE_*``, ``SITE``, ``BUILDNAME``),
    ``OCIMAKE_*``, ``FETCHCONTENT_*``, package locations (``*_DIR``,
    ``*_ROOT``) and any value that is an absolute path: no host path
    crosses. ``CACHE_VARIABLES`` adds and overrides. The list is in
    ``CMakeFiles/<name>.ocimake/stage.defines``. Inside, only what the
    install rules need is built (everything with ``TEST_STAGE``). The inner
    build directory persists under this build directory, so the inner Ninja
    is incremental; the stage edge's depfile, written from the inner
    build's own records (its deps log, the CMake files and inputs its
    ``build.ninja`` names, the files its install rules copy), names every
    source file it read, so a build with no change runs nothing, and the
    layers are re-packed only when installed files changed (see
    `Large install trees`_). The closure is resolved in
    the toolchain rootfs, never on the host. Inside, the same CMakeLists.txt
    is read with :variable:`OCIMAKE_IN_BUILD_STAGE` set: ``find_package(ocimake)``
    works with nothing installed in the rootfs, and the ocimake commands do
    nothing but note what the images' install rules need built (the host
    configure checked their arguments). Code that only the toolchain can configure (say,
    ``find_package()`` of a library the host lacks) goes after
    ``if(NOT OCIMAKE_IN_BUILD_STAGE) return() endif()``.

  ``TEST_STAGE``
    Run the project's ``ctest`` inside the toolchain after building; a failing
    test fails the image target, naming the tests. The tests run again only
    when the inner build rebuilt something (or was configured again) since
    they last passed: a no-op build and ``<name>-run`` run none.

  ``SECRETS``
    ``id=<id>,src=<path>``: the file is mounted read-only at
    ``/run/secrets/<id>`` during the build and test stages only. It never
    reaches a layer, the config, the history or a log line of ocimake's.

  ``CACHE_VARIABLES``
    ``NAME=value`` cache variables for the configure inside the toolchain.

  ``CACHE_MOUNTS``
    ``<id>[=<path>]``: a persistent directory, read-write at ``<path>`` in the
    build stage (default ``/ocimake/cache/<id>``) while it configures, builds,
    tests and installs, like a Dockerfile's ``RUN --mount=type=cache``. It is
    kept in the cache, ``$OCIMAKE_CACHE_DIR/mounts/<toolchain>/<id>``, where
    ``<toolchain>`` is the toolchain's cache entry (so another toolchain, or
    another ``PACKAGES`` list, has its own), and shared by every build
    directory and every image of that toolchain. Builds that run at once
    share it, as Docker's ``sharing=shared`` does: what writes there must
    cope (ccache locks its own files; sccache's stages take turns). It is never under
    ``/ocimake/stage``, so never in a layer, and nothing in the image
    depends on it. ``<id>`` is letters, digits and ``_.-``; ``<path>`` is
    absolute and none the stage uses itself (``/src``, ``/build``,
    ``/ocimake/stage``, ``/ocimake/cmake``, ``/ocimake/config``,
    ``/run/secrets``, ``/tmp``, ``/proc``, ``/dev``, ``/sys``). ``ocimake
    cache ls`` lists the mounts, ``ocimake cache prune`` trims them.

  ``COMPILER_CACHE``
    ``ccache``: the configure inside the toolchain gets
    ``CMAKE_C_COMPILER_LAUNCHER`` and ``CMAKE_CXX_COMPILER_LAUNCHER``
    ``ccache``, its directory (``CCACHE_DIR``) the cache mount of id
    ``ccache``, added at ``/ocimake/cache/ccache`` unless ``CACHE_MOUNTS``
    names it. So a fresh build directory, a new clone or a second image of
    the project compiles from the cache. ccache runs with
    ``CCACHE_COMPILERCHECK=content`` (a compiler changed in place, in a
    ``ROOTFS`` toolchain upgraded by hand, hashes differently, where ccache's
    default of the compiler's size and time could give a stale hit) and
    keeps its default ``hash_dir``: the stage always compiles in ``/build``
    from ``/src``, so the directory is the same in every build directory and
    needs no ``CCACHE_BASEDIR``. After each build stage that compiled
    something, one line says what the cache did: ``ocimake: compiler cache:
    5 hits, 0 misses (ccache)`` (from ccache's stats log of that build). The
    toolchain must have ``/usr/bin/ccache``: a ``DEBIAN`` toolchain without
    ``ccache`` in its ``PACKAGES`` fails at configure time, another kind's
    rootfs when the build stage starts, each in one line. A hit gives the
    object file a miss would have compiled, so the image digest is the same
    with a cold or a warm cache. Turning it on or off configures the inner
    build again. ``CHECK_REPRODUCIBLE``'s rebuild compiles every file
    anyway (``OCIMAKE_COMPILER_CACHE_RECACHE`` in its environment, ccache's
    ``CCACHE_RECACHE``): a hit would only repeat the first build's object.
    Without ``TOOLCHAIN`` the build is your own: set
    ``CMAKE_<LANG>_COMPILER_LAUNCHER`` there.

    ``sccache`` (Debian bookworm's sccache 0.4, in the toolchain's
    ``PACKAGES``): the same launchers set to ``sccache``, its directory
    (``SCCACHE_DIR``) the cache mount of id ``sccache``, added at
    ``/ocimake/cache/sccache``. Each build stage run starts sccache's server
    on the stage's own loopback (the sandbox's network namespace: the
    default port 4226 is free there), zeroes its counters before the build,
    reads them after it (``ocimake: compiler cache: 5 hits, 0 misses
    (sccache)``) and stops it when its script exits; the sandbox's pid
    namespace ends anything left. sccache hashes the compiler executable's
    content, the flags and the preprocessed source, so another compiler
    (``CMAKE_CXX_COMPILER=g++-11`` in the same toolchain) or other flags
    never hit. The stages of two build directories that use one toolchain's
    sccache mount take turns (sccache's disk cache expects one server).
    ``CHECK_REPRODUCIBLE``'s rebuild gives it ``SCCACHE_RECACHE``. It has
    no remote storage: ``OCIMAKE_COMPILER_CACHE_REMOTE`` with it fails at
    configure time.

    .. code-block:: cmake

      add_container_toolchain(bookworm DEBIAN bookworm
        PACKAGES g++ cmake ninja-build ccache libfmt-dev)
      add_container_image(greeter TOOLCHAIN bookworm
        COMPILER_CACHE ccache
        ENTRYPOINT /usr/local/bin/greeter)

  ``SOURCE_ROOT``
    The directory the build stage sees at ``/src``, read-only. Default: the
    project's source directory. A project whose ``CMakeLists.txt`` sits in a
    subfolder of its repository and reads files above it (zstd's
    ``build/cmake`` reads ``../../lib/zstd.h``) needs the directory that holds
    both: ``SOURCE_ROOT ${PROJECT_SOURCE_DIR}/../..``; the project is then
    configured at ``/src/build/cmake``. A configure that fails reading such a
    file says so, naming the directory.

  ``SBOM``
    ``ON`` (default): the image target also writes the image's SBOM,
    ``${CMAKE_CURRENT_BINARY_DIR}/<name>.spdx.json`` (SPDX 2.3 JSON; with
    several ``PLATFORMS``, one per platform: ``<name>.linux-arm64.spdx.json``),
    again whenever the image's digest changes. It lists the image (tag,
    manifest digest, a ``pkg:oci`` purl), every regular file of the image's
    own layers (not the base's) with its SHA256 and SHA1, the Debian package
    of the toolchain rootfs (or of the host) each library of the closure and
    each ``RUNTIME_PACKAGES`` file comes from (version, architecture, the
    license its machine-readable ``copyright`` file declares, a ``pkg:deb``
    purl), the project's other files as a package named after the
    ``project()`` (and its ``VERSION``), the base image by digest and the
    toolchain. The same image gives the same bytes (``created`` is
    :variable:`OCIMAKE_SOURCE_DATE_EPOCH`). A closure library or runtime
    package file that no Debian package of a root with a dpkg database owns
    (the project's own ``.so`` files aside) fails the build, naming the
    file. The image target also writes the build provenance,
    ``<name>.provenance.json`` (in-toto Statement v1, SLSA Provenance v1).
    Both are attached to the image in its layout as OCI 1.1 artifacts
    (``artifactType`` ``application/spdx+json`` and
    ``application/vnd.in-toto+json``, ``subject`` the image's manifest, or
    for the provenance of several ``PLATFORMS`` its index), pushed with it by
    ``<name>-push``, and read back with ``ocimake sbom <layout|reference>``.
    ``OFF`` writes neither.

  ``CHECK_REPRODUCIBLE``
    ``ON`` adds a CTest test ``<name>.reproducible`` (labelled
    ``reproducible``) that builds the image a second time and compares (with
    ``TOOLCHAIN``, the whole build stage runs again, from scratch): it copies
    the source tree of the nearest ``project()`` (without ``.git`` and
    without this build directory, when that is inside) to a fresh directory
    under ``$TMPDIR`` (default ``/tmp``), dates every copied file
    2001-02-03, and configures and builds the image's target there under
    ``umask 077`` with ``SOURCE_DATE_EPOCH`` unset in the environment (so a
    compiler does not hide ``__DATE__``/``__TIME__``). The fresh configure
    gets this build's generator; ``ocimake_DIR``, ``CMAKE_BUILD_TYPE``, the
    C and C++ compilers and their ``CMAKE_*_FLAGS``, the linker flags,
    ``CMAKE_TOOLCHAIN_FILE``, ``CMAKE_PREFIX_PATH``, ``CMAKE_MAKE_PROGRAM``,
    :variable:`OCIMAKE_CACHE_DIR`, :variable:`OCIMAKE_SOURCE_DATE_EPOCH` and
    :variable:`OCIMAKE_IMAGE_TARGET` as this configure saw them; from
    ``CMakeCache.txt`` when the test runs, the project's own settings
    (non-advanced ``BOOL``, ``STRING``, ``PATH``, ``FILEPATH`` and untyped
    entries) and package locations (``*_DIR``, ``*_ROOT``), leaving out
    CMake's, its modules' and ocimake's own entries (``CMAKE_*``,
    ``CPACK_*``, ``CTEST_*``, ``DART_*``, ``MEMORYCHECK_*``, ``COVERAGE_*``,
    ``FETCHCONTENT_*``, ``OCIMAKE_*``, ``SITE``, ``BUILDNAME``), a
    ``*-NOTFOUND`` and any value inside this build directory (found anew); a
    path inside the source tree is moved to the copy's. A dependency that
    ``FetchContent`` put into this build is read from there
    (``FETCHCONTENT_SOURCE_DIR_<NAME>``), never downloaded again; ocimake
    itself used through ``add_subdirectory()`` is built again in the copy.
    Then ``ocimake diff`` compares the two images: the same digest passes,
    and otherwise the test fails printing the first difference (the file,
    and what differs), keeping the rebuild and printing where it is. The
    test's fixture builds this build's image first; this build and the
    source tree are only read. Registered only when
    :variable:`OCIMAKE_CONTAINER_TESTS` is on. Default: ``OFF``.

  ``ALL``
    Build the image as part of the default build target.

.. command:: add_container_toolchain

  .. code-block:: cmake

    add_container_toolchain(<name>
      <ROOTFS <dir> | TARBALL <rootfs.tar[.gz|.zst]> | IMAGE <image> |
       DEBIAN <suite> [PACKAGES <package>...] [MIRROR <url>] [ARCH <arch>]
                      [PLATFORMS <os/arch[/variant]>...]>)

  Declares a toolchain rootfs for ``add_container_image(... TOOLCHAIN <name>)``:
  an existing directory (used in place), a rootfs tarball, an image (an OCI
  layout ``dir[:tag]``, an ``oci-archive`` or ``docker-archive``; its layers
  applied in order with whiteouts, every path resolved inside the rootfs), or a
  Debian suite made with ``mmdebstrap --variant=minbase`` with ``PACKAGES``
  included (``cmake`` and ``ninja-build`` are needed for a build stage).

  Tarballs, images and Debian trees are made once into a content-addressed
  cache (:variable:`OCIMAKE_CACHE_DIR`) shared by every build directory, keyed
  by the declaration and the input's bytes: re-made only when either changes.
  Concurrent builds using one cache entry wait for each other under a lock.
  A ``DEBIAN`` toolchain is keyed by its declaration only: to pick up newer
  packages from the mirror, change the declaration or clear the cache.

  Making a ``DEBIAN`` toolchain takes minutes, mostly dpkg installing (see
  the manual for measured figures); it prints a line per mmdebstrap phase with
  the elapsed seconds, and every 15 s how far dpkg got, and keeps mmdebstrap's
  whole output in ``<cache>/toolchains/<key>/mmdebstrap.log``. The ``.deb``
  files it downloads are kept in a pool shared by every ``DEBIAN`` toolchain,
  ``<cache>/debs/<arch>/`` (``<arch>-<hash>/`` for a ``MIRROR``), so a second
  toolchain or a changed ``PACKAGES`` list downloads only the packages the
  pool lacks. The pool does not change the rootfs (no ``.deb`` is left in it)
  nor the cache key; it is only a cache: delete it at any time.

  ``PLATFORMS`` (with ``DEBIAN``)
    The platforms images built in this toolchain may target besides the
    host's (see ``PLATFORMS`` of :command:`add_container_image`). The rootfs
    stays one tree of the host's architecture, with Debian multiarch added:
    for each other platform's architecture, ``crossbuild-essential-<arch>``
    (the cross compilers), ``libc6:<arch>`` and ``libstdc++6:<arch>`` (what
    the closure copies into the image), every ``PACKAGES`` entry that Debian
    marks ``Multi-Arch: same`` (libraries and their ``-dev`` packages, as the
    suite's package index says) as ``<package>:<arch>``, and
    ``qemu-user-static`` for running the tests. A platform the suite does not
    ship (``linux/riscv64`` before trixie) is a configure error listing those
    it does.

.. command:: add_container_test

  .. code-block:: cmake

    add_container_test(<name> IMAGE <image>
      [COMMAND <arg>...] [ARGS <arg>...] [ENV <KEY=value>...]
      [STDIN <file>] [BIND <host>:<path>[:ro|:rw]...]
      [PASS_REGULAR_EXPRESSION <regex>...] [FAIL_REGULAR_EXPRESSION <regex>...]
      [SKIP_REGULAR_EXPRESSION <regex>...] [TIMEOUT <seconds>] [LABELS <label>...]
      [FIXTURES_SETUP <f>...] [FIXTURES_CLEANUP <f>...] [FIXTURES_REQUIRED <f>...]
      [WORKING_DIRECTORY <dir>] [WILL_FAIL])

  A CTest test that runs a command inside the image ``<image>`` with
  ``ocimake run``: the image's rootfs (unpacked once per image digest into the
  cache) becomes ``/`` of ``ocimake-sandbox`` and the image config applies:
  the entrypoint and cmd (or ``COMMAND``), then ``ARGS`` appended, the env
  (plus ``ENV``), the working directory and the user. The test passes on exit
  status 0 unless the properties say otherwise; they are those of
  :command:`add_test` and can also be set later with
  :command:`set_tests_properties`. A fixture test ``ocimake.<image>.build``
  builds the image first, so ``ctest`` works on a fresh build tree. With the
  environment variable ``OCIMAKE_RUNTIME=podman`` (or ``docker``) the test
  runs the image with that runtime instead: without network, or with the
  runtime's default network and ``--publish-all`` when the image has
  ``EXPOSE`` ports.

  For an image with ``PLATFORMS``, one test per platform,
  ``<name>.linux-amd64``, ``<name>.linux-arm64`` (with one platform: ``<name>``),
  each with its platform among its ``LABELS`` (``ctest -L linux/arm64``). A
  platform other than the host's runs under ``qemu-<arch>-static`` from the
  host's ``qemu-user-static``, bound read-only into the sandbox: no binfmt
  registration and no root needed (a host without it fails the test with one
  line naming the package). Child processes the emulated program starts run
  emulated only where a binfmt handler with the ``F`` flag is registered.

  ``STDIN <file>``
    The command's standard input is ``<file>`` (a relative path is taken from
    the current source directory), so a filter can be tested. A file missing
    when the test runs fails it with one line naming the file.

  ``BIND <host>:<path>[:ro|:rw]...``
    Binds the host file or directory ``<host>`` (relative: from the current
    source directory) at the absolute ``<path>`` inside the image,
    **read-only** unless ``:rw`` is given. A malformed item is a configure
    error naming it.

  .. code-block:: cmake

    add_container_test(upcase-stdin IMAGE upcase-image STDIN input.md
      PASS_REGULAR_EXPRESSION "lines=3")
    add_container_test(upcase-data IMAGE upcase-image ARGS /data/table.txt
      BIND data:/data PASS_REGULAR_EXPRESSION "lines=2")

.. command:: add_container_service_test

  .. code-block:: cmake

    add_container_service_test(<name> IMAGE <image> [NAME <host-name>]
      [ARGS <arg>...] [ENV <KEY=value>...] [BIND <host>:<path>[:ro|:rw]...]
      [READY tcp:[<host>:]<port> | http://<host>[:<port>]/<path> | LOG <regex>]
      [READY_TIMEOUT <seconds>]
      [SERVICES <host-name>=<image>...] [SERVICE_READY <host-name>=<probe>...]
      [CLIENT_IMAGE <image>] [COMMAND <arg>...]
      [EXPECT_CLEAN_SHUTDOWN <seconds>] [STOP_SIGNAL <signal>] [STOP_TIMEOUT <seconds>]
      [PASS_REGULAR_EXPRESSION <regex>...] [FAIL_REGULAR_EXPRESSION <regex>...]
      [SKIP_REGULAR_EXPRESSION <regex>...] [TIMEOUT <seconds>] [LABELS <label>...]
      [FIXTURES_SETUP <f>...] [FIXTURES_CLEANUP <f>...] [FIXTURES_REQUIRED <f>...]
      [WORKING_DIRECTORY <dir>] [WILL_FAIL])

  A CTest test of the image ``<image>`` as a service, with ``ocimake
  service-test``: the image is started with its entrypoint and cmd (``ARGS``
  appended, ``ENV`` over its env) in ``ocimake-sandbox``; the test waits until
  it is ready, runs ``COMMAND`` as the client, then stops the service with
  its ``StopSignal`` (``STOP_SIGNAL``; default ``SIGTERM``), and ``SIGKILL``
  after ``STOP_TIMEOUT`` seconds (default 10). What Testcontainers or a
  compose file and a retry loop do, with no daemon and inside CTest.

  Everything runs in a **pod** of its own: one network namespace with only
  loopback, shared by the service, the ``SERVICES``, the readiness probes and
  the client, so ``localhost:<port>`` is the service and nothing reaches the
  host's network (or another test's: under ``ctest -j`` two service tests
  on the same port do not collide); an ``/etc/hosts`` that names the service
  (``NAME``; default the image's name) and each of the ``SERVICES`` as
  loopback, bound into every image and over the host's for the client; and a
  pid namespace that dies with the test. **Nothing survives the test**: when
  the client exits, when the test times out, or when ``ctest`` is
  interrupted or killed (even with ``SIGKILL``), every process of the test is
  gone.

  ``<image>``, ``CLIENT_IMAGE`` and the images of ``SERVICES`` are images
  declared with :command:`add_container_image` (their fixture tests
  ``ocimake.<image>.build`` build them first) or any location ``ocimake``
  takes: a layout directory, an archive or a registry reference.

  ``READY``
    When the service is ready, polled with backoff (10 ms growing to 0.5 s)
    for ``READY_TIMEOUT`` seconds (default 30): ``tcp:<port>`` (a connection
    is accepted; ``tcp:<host>:<port>`` for another name), ``http://...`` (a
    ``GET`` answers 2xx) or ``LOG <regex>`` (the service's output matches,
    an ECMAScript regular expression). Without ``READY``, started is ready. A
    service that exits before it is ready fails the test at once, with its
    exit status and its last output lines; one not ready in time fails naming
    the probe and what it last saw (``Connection refused``, ``HTTP 503``).

  ``SERVICES <host-name>=<image>...``
    Sidecar services, started first, in order, with their images' config, and
    stopped last. ``SERVICE_READY <host-name>=<probe>`` waits for one before
    the next starts (``tcp:``, ``http://`` or ``log:<regex>``).

  ``COMMAND``
    The client: a host program (its first word may name an executable
    target), run with the host's files and the test's environment in the
    pod's network; its output is the test's. With ``CLIENT_IMAGE``, the
    command runs inside that image instead (without ``COMMAND``: its
    entrypoint and cmd). Without either, the test starts the service, waits
    until it is ready and stops it. A client that exits non-zero fails the
    test.

  ``EXPECT_CLEAN_SHUTDOWN <seconds>``
    The service must exit with status 0 within ``<seconds>`` of its stop
    signal, as Kubernetes expects within ``terminationGracePeriodSeconds``; a
    service that is still running then is killed and fails the test, and so
    does one that exits with another status. A service or sidecar that exits
    on its own before it is stopped fails the test always.

  Each service's output goes to ``<name>.logs/<host-name>.log`` in the
  current binary directory, kept after the test and printed (its last 50
  lines) when the test fails. Each failure is one line that starts with
  ``ocimake service-test:``; with ``PASS_REGULAR_EXPRESSION`` (which makes
  CTest ignore the exit status) that prefix is added to the
  ``FAIL_REGULAR_EXPRESSION``, so a failed readiness or shutdown still fails
  the test. The other properties are those of :command:`add_test`. The test
  runs the host's platform of a multi-platform image.

  .. code-block:: cmake

    add_container_service_test(api-health IMAGE api
      READY http://localhost:8080/health
      COMMAND curl -fsS http://localhost:8080/v1/ping
      PASS_REGULAR_EXPRESSION pong
      EXPECT_CLEAN_SHUTDOWN 10)
    add_container_service_test(api-with-backend IMAGE api
      SERVICES backend=backend-image SERVICE_READY backend=tcp:backend:8081
      READY LOG "listening on 8080"
      COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/tests/api_backend_test.sh)

.. command:: add_container_structure_test

  .. code-block:: cmake

    add_container_structure_test(<name> IMAGE <image>
      [USER <user>] [ENTRYPOINT <arg>...] [ENV <KEY=value|KEY>...]
      [EXPOSES <port>[/<proto>]...] [IMAGE_LABELS <key=value|key>...]
      [FILES_PRESENT <path>...] [FILES_ABSENT <path>...]
      [FILE_MODES <path>=<octal>...] [FILE_OWNERS <path>=<uid>:<gid>...]
      [FILE_CONTENTS <path>=<regex>...]
      [MAX_SIZE <size>] [MAX_UNPACKED_SIZE <size>]
      [LABELS <label>...] [TIMEOUT <seconds>])

  A CTest test that checks the image ``<image>`` without running it, as
  Google's container-structure-test does, with ``ocimake structure-test``:
  each item is one check, and each failed check prints one line naming it
  (``USER: "0:0", expected "65532"``, ``FILES_ABSENT: /bin/sh is present``,
  ``MAX_SIZE: 25.3 MB (26532111 bytes of compressed layers) is over 20 MB``).
  The fixture test ``ocimake.<image>.build`` builds the image first, so
  ``ctest`` works on a fresh build tree. Every platform of an image with
  ``PLATFORMS`` is checked by the one test, each failure naming its platform.

  From the image config: ``USER`` (the same string; a bare number also
  matches the uid of ``uid:gid``), ``ENTRYPOINT`` (the exact list),
  ``ENV`` (``KEY=value`` set so, or ``KEY`` set at all), ``EXPOSES``
  (``8080`` is ``8080/tcp``) and ``IMAGE_LABELS`` (``key=value`` or ``key``;
  ``LABELS`` are the test's CTest labels, as for :command:`add_container_test`).

  From the image's root filesystem, the layers merged in order (later ones
  win, whiteouts and opaque whiteouts applied; the layer tars are read as
  streams, never unpacked): ``FILES_PRESENT`` (any type: file, directory,
  symlink...), ``FILES_ABSENT``, ``FILE_MODES`` (the octal permission bits,
  setuid, setgid and sticky included), ``FILE_OWNERS`` and ``FILE_CONTENTS``
  (an ECMAScript regular expression searched for in the content of a regular
  file, ``^`` and ``$`` matching at each line; a missing file, a directory or
  a symlink fails). A path is absolute
  and names the entry as the layers have it: **a symlink on the way is not
  followed** (with ``/lib -> usr/lib``, ``/lib/x`` is not ``/usr/lib/x``).

  ``MAX_SIZE`` limits the compressed layer blobs summed (what a pull
  transfers), ``MAX_UNPACKED_SIZE`` the regular files of the merged tree. A
  size is bytes, or a number with ``kB``, ``MB``, ``GB`` (powers of 1000) or
  ``KiB``, ``MiB``, ``GiB`` (powers of 1024): ``20MB``, ``1.5 GB``,
  ``64MiB``. A malformed check (a relative path, a bad mode, regex or size)
  fails the test with one line naming it.

  .. code-block:: cmake

    add_container_structure_test(api-structure IMAGE api-image
      USER 65532 FILES_ABSENT /usr/bin/gcc /bin/sh
      FILES_PRESENT /usr/local/bin/api FILE_MODES /usr/local/bin/api=0755
      EXPOSES 8080 MAX_SIZE 20MB)

.. command:: ocimake_image_layout

  .. code-block:: cmake

    ocimake_image_layout(<name> <out-var>)

  Stores the path of image ``<name>``'s OCI layout directory in ``<out-var>``.

Variables
^^^^^^^^^

.. variable:: OCIMAKE_SOURCE_DATE_EPOCH

  The time every layer entry and the image config carry, in seconds since
  1970. Default: the ``SOURCE_DATE_EPOCH`` environment variable at configure
  time, else ``0``. Changing it changes every digest.

.. variable:: OCIMAKE_IMAGE_TARGET

  The name of the umbrella target every image joins. Default: ``image``.

.. variable:: OCIMAKE_CACHE_DIR

  ocimake's cache: toolchain rootfs trees, unpacked images, pulled blobs.
  Default (empty): the ``OCIMAKE_CACHE_DIR`` environment variable, else
  ``$XDG_CACHE_HOME/ocimake``, else ``~/.cache/ocimake``.

.. variable:: OCIMAKE_COMPILER_CACHE_REMOTE

  ccache's remote storage for the build stages of images with
  ``COMPILER_CACHE ccache`` (with ``COMPILER_CACHE sccache``, whose Debian
  build has no remote storage, it is refused in one line): a Redis server shared by build directories,
  CI runners and colleagues, so that a fresh build directory with an empty
  local cache still compiles nothing that anyone compiled before. Also read
  from the environment variable of that name when ``ocimake stage`` runs
  (when the cache variable is empty). One of::

    redis://[[USER:]PASSWORD@]HOST[:PORT][/DB]
    redis+unix:SOCKET_PATH[?db=DB]
    redis+unix://[[USER:]PASSWORD@localhost]SOCKET_PATH[?db=DB]
    http://[[USER:]PASSWORD@]HOST[:PORT][/PATH]

  each optionally followed by ccache's ``|ATTRIBUTE=VALUE`` attributes
  (``|read-only``, ``|connect-timeout=50``). The stage has no network: for
  ``redis://`` and ``http://`` ocimake relays one Unix socket bound into the
  stage to that one host and port (for ``http://``, ccache connects to the
  stage's own ``127.0.0.1:PORT``, which leads there); a ``redis+unix:``
  socket is bound in as it is. ``https://`` is refused. The URL is a secret when it holds a
  password: it is never on a command line or in a log line, layer or SBOM.
  Given as a cache variable, it is kept in a 0600 file in the build tree
  (``CMakeFiles/ocimake-secrets/``) and the cache entry is replaced by its
  redacted form (``redis://ci:***@cache.internal:6379``); set it to the
  empty string to forget it. A server that can't be reached costs one
  warning line; the build goes on with the local cache. Default: empty.

.. variable:: OCIMAKE_CONTAINER_TESTS

  Whether :command:`add_container_test` and
  :command:`add_container_structure_test` register tests, and
  ``CHECK_REPRODUCIBLE`` its test. Default: ``ON``.

.. variable:: OCIMAKE_IN_BUILD_STAGE

  Set (to ``ON``) while the project is configured inside a toolchain build
  stage; unset on the host.

Reproducibility
^^^^^^^^^^^^^^^

The same sources, compiler and base give the same manifest digest on any
machine and in any build directory: layer entries are sorted, owned by 0:0,
dated :variable:`OCIMAKE_SOURCE_DATE_EPOCH`, with one fixed mode rule, and all
JSON is canonical. See ``docs/reproducibility.md``. ``CHECK_REPRODUCIBLE``
checks a project's own part, the compiler's output, with a CTest test.

Large install trees
^^^^^^^^^^^^^^^^^^^

A stage edge's depfile names what it read (install scripts, installed
files, and for a ``TOOLCHAIN`` build every source the inner build read), so
Ninja re-stages exactly when one changed and a build with no change runs
nothing. Up to 2000 inputs, that is; beyond (say, ``install(DIRECTORY)`` of
100,000 asset files) a depfile would cost Ninja seconds on every build (its
depfile parser is quadratic in the length), so the stage records them in an
input manifest instead, and a check edge before it (``ocimake
check-inputs``) compares them on every build, one ``lstat()`` per input
(each relative to its directory, kept open, and on as many threads as
there are cores, up to 4: about 0.1 s for 100,000 inputs on two cores):
``ninja`` then shows that one edge even when nothing changed.

A re-stage installs into the previous staging tree, so ``cmake --install``
copies only the files that changed (the others are "Up-to-date") and the
stage's stamp re-hashes only those (a digest cache beside the tree, keyed by
inode, size and mtime, which also keeps each file's first bytes). The
shared-library closure runs again only when what it reads changed: an ELF
file's content, a link, or the list of files (not a data file's edit). What the install no longer puts there (a file or a
directory removed from the sources, a removed ``install()`` rule) is removed,
told apart by what the install scripts recorded (``file(INSTALL)``, up to date
or not) and by what changed during the run (``install(CODE)`` writing a
file). When the install rules changed and a file only an ``install(CODE)``
copies could be stale, the stage says so and installs afresh. The tree is
always the one a fresh build directory stages (tested).

The application layer of a large tree is several layers (``LAYER_SPLIT_SIZE``,
64 MiB by default): a 300 MB asset is a layer of its own, 100,000 small files
are a few, and an edit re-packs only the part holding the edited file. The
other parts keep their digests (each part's key is the sha256 of its
entries' types, sizes, content digests and paths, and of the packing
options; a part whose key the last build packed is taken from the layer
store as it is), so a push or pull moves only the changed part too.
#]=======================================================================]

include_guard(GLOBAL)
cmake_minimum_required(VERSION 3.25)

include("${CMAKE_CURRENT_LIST_DIR}/ocimake/OcimakeArguments.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/ocimake/OcimakePlatforms.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/ocimake/OcimakeInstallRules.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/ocimake/OcimakeImage.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/ocimake/OcimakeStage.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/ocimake/OcimakeToolchain.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/ocimake/OcimakeTest.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/ocimake/OcimakeReproducible.cmake")

# Where this module lives: bound read-only into toolchain build stages.
set(OCIMAKE_MODULE_DIR "${CMAKE_CURRENT_LIST_DIR}" CACHE INTERNAL "ocimake's CMake module")

if(NOT DEFINED OCIMAKE_SOURCE_DATE_EPOCH)
  if(DEFINED ENV{SOURCE_DATE_EPOCH})
    set(_ocimake_epoch "$ENV{SOURCE_DATE_EPOCH}")
  else()
    set(_ocimake_epoch 0)
  endif()
  set(OCIMAKE_SOURCE_DATE_EPOCH "${_ocimake_epoch}" CACHE STRING
    "Timestamp of every image layer entry and config (seconds since 1970)")
  unset(_ocimake_epoch)
endif()
if(NOT OCIMAKE_SOURCE_DATE_EPOCH MATCHES "^[0-9]+$")
  message(FATAL_ERROR "OCIMAKE_SOURCE_DATE_EPOCH='${OCIMAKE_SOURCE_DATE_EPOCH}': "
    "expected a whole number of seconds since 1970")
endif()
set(OCIMAKE_IMAGE_TARGET "image" CACHE STRING "Umbrella target that builds every image")
set(OCIMAKE_CACHE_DIR "" CACHE PATH
  "ocimake's cache (toolchains, unpacked images); empty: $OCIMAKE_CACHE_DIR or ~/.cache/ocimake")
set(OCIMAKE_COMPILER_CACHE_REMOTE "" CACHE STRING
  "ccache's remote storage URL for build stages with COMPILER_CACHE ccache (redis://, http://)")
option(OCIMAKE_CONTAINER_TESTS "Register add_container_test() tests" ON)
if(NOT OCIMAKE_IN_BUILD_STAGE)
  _ocimake_keep_compiler_cache_remote()
endif()
if(OCIMAKE_IN_BUILD_STAGE)
  cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}"
    CALL _ocimake_write_inner_targets "${CMAKE_BINARY_DIR}/ocimake-installed-targets.txt")
endif()

function(add_container_image name)
  _ocimake_add_image("${name}" ${ARGN})
endfunction()

function(add_container_toolchain name)
  _ocimake_add_toolchain("${name}" ${ARGN})
endfunction()

# Functions, not macros, so that an argument holding a ';' ("a; b") stays
# one argument. enable_testing() sets a variable of the calling directory's
# scope, so it is deferred to the end of that directory: `ctest` then finds
# the tests even if the project did not enable testing.
function(add_container_test name)
  _ocimake_enable_testing_here()
  cmake_parse_arguments(PARSE_ARGV 1 _ "" "" "")
  _ocimake_add_test("${name}" ${__UNPARSED_ARGUMENTS})
endfunction()

function(add_container_service_test name)
  _ocimake_enable_testing_here()
  cmake_parse_arguments(PARSE_ARGV 1 _ "" "" "")
  _ocimake_add_service_test("${name}" ${__UNPARSED_ARGUMENTS})
endfunction()

function(add_container_structure_test name)
  _ocimake_enable_testing_here()
  cmake_parse_arguments(PARSE_ARGV 1 _ "" "" "")
  _ocimake_add_structure_test("${name}" ${__UNPARSED_ARGUMENTS})
endfunction()

function(ocimake_image_layout name out_var)
  if(NOT TARGET "${name}")
    message(FATAL_ERROR "ocimake_image_layout: no image named ${name}")
  endif()
  get_target_property(layout "${name}" OCIMAKE_LAYOUT)
  set("${out_var}" "${layout}" PARENT_SCOPE)
endfunction()
