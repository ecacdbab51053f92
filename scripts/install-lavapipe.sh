#!/usr/bin/env bash
# install-lavapipe.sh: a CPU Vulkan driver (Mesa lavapipe) for Dawn's `webgpu`
# npm package, so the tfjs WebGPU backend can run on machines without a GPU.
#
# Usage:
#   scripts/install-lavapipe.sh [TARGET_DIR]    # default: $HOME/.cache/maec/lavapipe
#   eval "$(scripts/install-lavapipe.sh)"       # or: . TARGET_DIR/env.sh afterwards
#
# Debian bookworm only. Bookworm's own lavapipe (Mesa 22.3) lacks features Dawn
# requires, so this takes mesa-vulkan-drivers from bookworm-backports (Mesa 25.0).
# What it does:
#   1. apt-get installs libvulkan1 (the Vulkan loader that dawn.node dlopens as
#      libvulkan.so.1); uses sudo if not root. Without root or sudo it unpacks
#      libvulkan1 into TARGET_DIR instead and LD_LIBRARY_PATH must be set.
#   2. Reads the mirror URL from the machine's own apt sources (one-line
#      *.list and deb822 *.sources), writes a private sources list for
#      bookworm-backports in a temp dir with its own lists and cache, and
#      `apt-get download`s mesa-vulkan-drivers with it. The system's apt
#      configuration, lists and installed packages are left as they are.
#   3. `dpkg -x`es it into TARGET_DIR/root and checks with `ldd -r` that
#      libvulkan_lvp.so's dependencies and symbols all resolve. If some do not
#      (minimal images lack LLVM 15, xcb, wayland ...), it asks apt (a simulated
#      install against this machine's dpkg status) which packages are missing:
#      plain bookworm ones are apt-get installed system-wide when root/sudo is
#      available; newer ones from backports (and, without root, all of them) are
#      unpacked next to lavapipe and an LD_LIBRARY_PATH is printed.
#   4. Writes TARGET_DIR/lvp_icd.json (absolute library_path) and TARGET_DIR/env.sh,
#      and prints the export lines on stdout (everything else goes to stderr).
# Running it again is a no-op that re-checks and re-prints the exports; set
# MAEC_LAVAPIPE_REFRESH=1 to download again. MAEC_LAVAPIPE_WITH_DEPS=1 forces
# step 3's dependency unpacking even when the system's libraries suffice.
# Exit status: 0 on success, 2 when apt sources are not Debian bookworm, 1 otherwise.
set -euo pipefail

log() { printf 'install-lavapipe: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

START_S=$(date +%s.%N)
TARGET=${1:-${HOME:?HOME is not set}/.cache/maec/lavapipe}
REFRESH=${MAEC_LAVAPIPE_REFRESH:-0}
WITH_DEPS=${MAEC_LAVAPIPE_WITH_DEPS:-0}
SUITE=bookworm-backports
# Never unpacked next to lavapipe: shadowing these through LD_LIBRARY_PATH breaks processes.
NEVER_UNPACK='^(libc6|libc-bin|libgcc-s1|libstdc\+\+6|libcrypt1|libzstd1|zlib1g|libtinfo6|libselinux1)$'

for tool in apt-get apt-cache dpkg dpkg-deb dpkg-query ldd awk find; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found; this script needs Debian's apt and dpkg"
done

mkdir -p "$TARGET"
TARGET=$(cd "$TARGET" && pwd -P)
ROOT="$TARGET/root"
ICD="$TARGET/lvp_icd.json"
STAMP="$TARGET/.installed"
ENV_SH="$TARGET/env.sh"
ARCH=$(dpkg --print-architecture)

# ---------------------------------------------------------------- apt sources
# Prints "TYPE<TAB>URI<TAB>SUITE<TAB>SIGNED-BY" for every enabled source entry.
list_sources() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -r $f ]] || continue
    awk '
      { sub(/#.*/, "") }
      NF == 0 { next }
      {
        opts = ""
        if (match($0, /\[[^]]*\]/)) { opts = substr($0, RSTART + 1, RLENGTH - 2); $0 = substr($0, 1, RSTART - 1) " " substr($0, RSTART + RLENGTH) }
        n = split($0, w, /[ \t]+/); k = 0
        for (i = 1; i <= n; i++) if (w[i] != "") v[++k] = w[i]
        if (k < 3) next
        sb = ""
        m = split(opts, o, /[ \t]+/)
        for (i = 1; i <= m; i++) if (o[i] ~ /^signed-by=/) { sb = substr(o[i], 11) }
        printf "%s\t%s\t%s\t%s\n", v[1], v[2], v[3], sb
      }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -r $f ]] || continue
    awk '
      function flush(   i, j, k, nt, nu, ns, t, u, s) {
        if (enabled != "no" && types != "" && uris != "" && suites != "") {
          nt = split(types, t, /[ \t]+/); nu = split(uris, u, /[ \t]+/); ns = split(suites, s, /[ \t]+/)
          for (i = 1; i <= nt; i++) for (j = 1; j <= nu; j++) for (k = 1; k <= ns; k++)
            if (t[i] != "" && u[j] != "" && s[k] != "") printf "%s\t%s\t%s\t%s\n", t[i], u[j], s[k], signedby
        }
        types = uris = suites = signedby = enabled = ""
      }
      /^#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]/ { next }                      # continuation line (e.g. an inline key)
      {
        key = tolower($0); sub(/:.*/, "", key)
        val = $0; sub(/^[^:]*:[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
        if (key == "types") types = val
        else if (key == "uris") uris = val
        else if (key == "suites") suites = val
        else if (key == "signed-by") signedby = val
        else if (key == "enabled") enabled = tolower(val)
      }
      END { flush() }' "$f"
  done
}

SOURCES=$(list_sources || true)
# The main archive: a deb entry for bookworm, bookworm-updates or bookworm-backports
# (the security archive lives elsewhere and has no backports).
MIRROR_LINE=$(printf '%s\n' "$SOURCES" | awk -F'\t' '
  $1 == "deb" && $3 ~ /^bookworm(-updates|-backports)?$/ && $2 !~ /debian-security/ {
    if ($3 == "bookworm") { print; found = 1; exit }
    if (first == "") first = $0
  }
  END { if (!found && first != "") print first }')
if [[ -z $MIRROR_LINE ]]; then
  suites=$(printf '%s\n' "$SOURCES" | awk -F'\t' 'NF >= 3 { print $3 }' | sort -u | tr '\n' ' ' | sed 's/ $//')
  # shellcheck disable=SC1091
  codename=$( (. /etc/os-release 2>/dev/null && echo "${ID:-?} ${VERSION_CODENAME:-?}") || echo unknown)
  log "error: this machine's apt sources are not Debian bookworm (suites found: ${suites:-none}; os-release: $codename)."
  log "error: lavapipe is taken from Debian's bookworm-backports, which only fits Debian 12 (bookworm)."
  exit 2
fi
MIRROR=$(printf '%s\n' "$MIRROR_LINE" | cut -f2); MIRROR=${MIRROR%/}
SIGNED_BY=$(printf '%s\n' "$MIRROR_LINE" | cut -f4)
if [[ -z $SIGNED_BY || ! -r $SIGNED_BY ]]; then
  SIGNED_BY=""
  [[ -r /usr/share/keyrings/debian-archive-keyring.gpg ]] && SIGNED_BY=/usr/share/keyrings/debian-archive-keyring.gpg
fi
if [[ -r /etc/os-release ]] && ! grep -q '^VERSION_CODENAME=bookworm$' /etc/os-release; then
  log "warning: /etc/os-release does not say bookworm, but the apt sources do; going on"
fi

# ---------------------------------------------------------------- sudo / root
SUDO=none
if [[ $(id -u) == 0 ]]; then SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=sudo
fi

# (No `cmd | grep -q` in this script: with pipefail, grep's early exit fails the pipe.)
installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == "install ok installed" ]]; }

# ---------------------------------------------------------------- 1. libvulkan1
EXTRACT_LOADER=0
if ! installed libvulkan1; then
  if [[ $SUDO != none ]]; then
    policy=$(apt-cache policy libvulkan1 2>/dev/null || true)
    if [[ ! $policy =~ Candidate:\ [0-9] ]]; then
      log "apt lists lack libvulkan1; running apt-get update"
      $SUDO apt-get update -qq >&2
    fi
    log "installing libvulkan1 (the Vulkan loader)"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends libvulkan1 >&2
  else
    log "warning: not root and no passwordless sudo: unpacking libvulkan1 into $TARGET instead (LD_LIBRARY_PATH needed)"
    EXTRACT_LOADER=1
  fi
fi

# ---------------------------------------------------------------- checks
find_lvp() { find "$1" -name libvulkan_lvp.so -type f -print -quit 2>/dev/null; }

lib_dirs() {   # directories under $1 that hold shared libraries, colon-joined
  local d out=""
  for d in "$1"/usr/lib/*-linux-gnu "$1"/lib/*-linux-gnu "$1"/usr/lib "$1"/lib; do
    [[ -d $d ]] && compgen -G "$d/*.so*" >/dev/null && out+="${out:+:}$d"
  done
  printf '%s' "$out"
}

# verify ROOT LD_PATH: every dependency (and symbol) of libvulkan_lvp.so resolves,
# and a libvulkan.so.1 is there. On failure sets VERIFY_WHY to a one-line summary.
VERIFY_WHY=""
verify() {
  local lvp out missing nundef d found=0 dirs
  VERIFY_WHY=""
  lvp=$(find_lvp "$1")
  [[ -n $lvp ]] || { VERIFY_WHY="libvulkan_lvp.so missing under $1"; return 1; }
  if ! out=$(LD_LIBRARY_PATH="$2" ldd -r "$lvp" 2>&1); then
    VERIFY_WHY="ldd failed: $(head -3 <<<"$out" | tr '\n' ' ')"; return 1
  fi
  missing=$(awk '/=> not found/ { print $1 }' <<<"$out" | sort -u | tr '\n' ' ' | sed 's/ $//')
  nundef=$(grep -c 'undefined symbol' <<<"$out" || true)
  if [[ -n $missing || $nundef != 0 ]]; then
    VERIFY_WHY="unresolved: ${missing:-no missing libraries}; $nundef undefined symbols"
    if [[ -z $missing ]]; then VERIFY_WHY+=" (e.g. $(grep -m1 'undefined symbol' <<<"$out" | awk '{ print $3 }'))"; fi
    return 1
  fi
  if ! installed libvulkan1; then
    IFS=: read -ra dirs <<<"$2"
    for d in "${dirs[@]}"; do compgen -G "$d/libvulkan.so.1*" >/dev/null && found=1; done
    (( found )) || { VERIFY_WHY="no libvulkan.so.1 (libvulkan1 is neither installed nor unpacked)"; return 1; }
  fi
}

print_exports() {
  {
    printf 'export VK_DRIVER_FILES=%q\n' "$ICD"
    if [[ -n $1 ]]; then
      # shellcheck disable=SC2016  # the ${LD_LIBRARY_PATH:+...} is for the shell that evals this
      printf 'export LD_LIBRARY_PATH=%q${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}\n' "$1"
    fi
  } > "$ENV_SH"
  cat "$ENV_SH"
}

finish() {
  log "lavapipe ready ($(head -1 "$STAMP")) in $(awk -v a="$START_S" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s; source $ENV_SH or eval this script's output"
}

# ---------------------------------------------------------------- warm path
if [[ $REFRESH != 1 && -r $STAMP && -r $ICD ]]; then
  ld_path=$(sed -n 's/^ld_library_path=//p' "$STAMP")
  if verify "$ROOT" "$ld_path" && grep -q "\"$(find_lvp "$ROOT")\"" "$ICD"; then
    print_exports "$ld_path"
    log "already installed in $TARGET"
    finish
    exit 0
  fi
  log "existing install in $TARGET fails its check (${VERIFY_WHY:-ICD file out of date}); reinstalling"
fi

# ---------------------------------------------------------------- 2. private apt
STATE=$(mktemp -d "${TMPDIR:-/tmp}/maec-lavapipe.XXXXXX")
trap 'rm -rf "$STATE"' EXIT
mkdir -p "$STATE"/{lists/partial,cache/archives/partial,sources.list.d,preferences.d,debs}
# apt drops privileges to _apt for downloads; let it write there when we are root.
if [[ $(id -u) == 0 ]] && id _apt >/dev/null 2>&1; then
  chown -R _apt:root "$STATE/lists/partial" "$STATE/cache/archives/partial" "$STATE/debs"
  chmod 755 "$STATE"
fi
APT_OPTS=(
  -o "Dir::Etc::SourceList=$STATE/sources.list"
  -o "Dir::Etc::SourceParts=$STATE/sources.list.d"
  -o "Dir::Etc::Preferences=$STATE/preferences"
  -o "Dir::Etc::PreferencesParts=$STATE/preferences.d"
  -o "Dir::State::Lists=$STATE/lists"
  -o "Dir::Cache=$STATE/cache"
  -o "APT::Get::Show-Versions=1"
  -o "quiet=1"
)
write_sources() {   # suites...
  local s opt=""
  [[ -n $SIGNED_BY ]] && opt="[signed-by=$SIGNED_BY] "
  : > "$STATE/sources.list"
  for s in "$@"; do printf 'deb %s%s %s main\n' "$opt" "$MIRROR" "$s" >> "$STATE/sources.list"; done
  apt-get "${APT_OPTS[@]}" update >&2 || die "apt-get update of the private sources list ($*) failed"
}
download() {   # name=version...
  (cd "$STATE/debs" && apt-get "${APT_OPTS[@]}" download "$@" >&2) || die "apt-get download $* failed"
}

log "mirror from this machine's apt sources: $MIRROR (suite $SUITE)"
write_sources "$SUITE"
MESA_VER=$(apt-cache "${APT_OPTS[@]}" policy mesa-vulkan-drivers | awk '/Candidate:/ { print $2 }')
[[ -n $MESA_VER && $MESA_VER != "(none)" ]] || die "mesa-vulkan-drivers not found in $SUITE for $ARCH"
log "downloading mesa-vulkan-drivers $MESA_VER"
download "mesa-vulkan-drivers=$MESA_VER"

# ---------------------------------------------------------------- 3. unpack, check
NEW="$TARGET/root.new"
rm -rf "$NEW"; mkdir -p "$NEW"
for deb in "$STATE"/debs/*.deb; do dpkg -x "$deb" "$NEW"; done
# Only lavapipe is wanted: drop the hardware drivers and layers (about 54 MB).
find "$NEW" \( \( -name 'libvulkan_*.so' ! -name libvulkan_lvp.so \) -o -name 'libVkLayer_*.so' \) -exec rm -f {} +
PKGS="mesa-vulkan-drivers=$MESA_VER"
LD_NEW=""

if [[ $WITH_DEPS == 1 || $EXTRACT_LOADER == 1 ]] || ! verify "$NEW" ""; then
  [[ -n $VERIFY_WHY ]] && log "with this system's libraries, libvulkan_lvp.so has $VERIFY_WHY"
  log "asking apt which packages an install would bring in (simulated against this system's dpkg status; nothing is installed)"
  write_sources bookworm bookworm-updates "$SUITE"
  sim=$(apt-get "${APT_OPTS[@]}" -s install --no-install-recommends "mesa-vulkan-drivers/$SUITE" 2>&1) \
    || { printf '%s\n' "$sim" >&2; die "apt cannot resolve mesa-vulkan-drivers' dependencies"; }
  # "Inst NAME [OLD] (VERSION ORIGIN:SUITE [ARCH])" -> NAME=VERSION<TAB>bpo|stable
  mapfile -t deps < <(awk '/^Inst / {
      v = ($3 ~ /^\[/) ? $4 : $3; gsub(/[()]/, "", v)
      if ($2 != "mesa-vulkan-drivers") print $2 "=" v "\t" (($0 ~ /-backports/) ? "bpo" : "stable") }' <<<"$sim")
  stable=() bpo=()
  for d in "${deps[@]}"; do
    pv=${d%%$'\t'*}
    if [[ ${pv%%=*} =~ $NEVER_UNPACK ]]; then log "warning: apt wants $pv too; not unpacking a core library, install or upgrade it system-wide if lavapipe fails"
    elif [[ $d == *$'\t'bpo ]]; then bpo+=("$pv")
    else stable+=("$pv"); fi
  done
  # Plain bookworm packages (LLVM, xcb, wayland libraries ...) go in system-wide when we may.
  if [[ $WITH_DEPS != 1 && $SUDO != none ]] && (( ${#stable[@]} )); then
    names=("${stable[@]%%=*}")
    log "installing from this machine's own bookworm sources: ${names[*]}"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "${names[@]}" >&2 \
      || die "apt-get install ${names[*]} failed"
  fi
  if [[ $WITH_DEPS != 1 && $EXTRACT_LOADER != 1 ]] && verify "$NEW" ""; then
    log "system libraries now suffice; nothing unpacked besides lavapipe"
  else
    keep=("${bpo[@]}")
    for pv in "${stable[@]}"; do
      if [[ $WITH_DEPS == 1 ]] || ! installed "${pv%%=*}"; then keep+=("$pv"); fi
    done
    if (( ${#keep[@]} )); then
      log "unpacking next to lavapipe (LD_LIBRARY_PATH needed): ${keep[*]}"
      rm -f "$STATE"/debs/*.deb
      download "${keep[@]}"
      for deb in "$STATE"/debs/*.deb; do dpkg -x "$deb" "$NEW"; done
      PKGS+=" ${keep[*]}"
    fi
    LD_NEW=$(lib_dirs "$NEW")
    verify "$NEW" "$LD_NEW" || die "libvulkan_lvp.so still has $VERIFY_WHY"
  fi
fi

# ---------------------------------------------------------------- 4. install
rm -rf "$ROOT"; mv "$NEW" "$ROOT"
LD_FINAL=${LD_NEW//"$NEW"/"$ROOT"}
LVP=$(find_lvp "$ROOT")
verify "$ROOT" "$LD_FINAL" || die "check failed after moving into $ROOT: $VERIFY_WHY"
API=$(sed -n 's/.*"api_version": *"\([^"]*\)".*/\1/p' "$ROOT/usr/share/vulkan/icd.d/lvp_icd.json" 2>/dev/null || true)
cat > "$ICD" <<EOF
{
    "ICD": {
        "api_version": "${API:-1.3.0}",
        "library_path": "$LVP"
    },
    "file_format_version": "1.0.0"
}
EOF
{
  echo "mesa-vulkan-drivers $MESA_VER from $SUITE"
  echo "packages=$PKGS"
  echo "ld_library_path=$LD_FINAL"
} > "$STAMP"
print_exports "$LD_FINAL"
finish
