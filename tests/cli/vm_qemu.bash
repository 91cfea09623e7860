# Helpers for the vmctl suites that need the qemu driver (a real hypervisor, guests under
# TCG): why it cannot run here, a private libvirtd with the qemu and storage drivers and a
# root-run qemu.conf (built on vm_daemon.bash, which the suite loads first), and a tiny
# guest-less domain definition.

# vm_qemu_why_not — prints why a libvirtd with the qemu and storage drivers cannot run here
# (nothing when it can).
vm_qemu_why_not() {
    local libdir=/usr/lib/x86_64-linux-gnu/libvirt/connection-driver
    [[ $EUID -eq 0 ]] || { echo "needs root (libvirtd with the qemu driver)"; return; }
    command -v qemu-system-x86_64 >/dev/null || { echo "qemu-system-x86 not installed"; return; }
    command -v qemu-img >/dev/null || { echo "qemu-utils not installed"; return; }
    command -v unshare >/dev/null || { echo "unshare not available"; return; }
    [[ -d /etc/libvirt ]] || { echo "/etc/libvirt missing"; return; }
    [[ -e $libdir/libvirt_driver_qemu.so ]] || { echo "libvirt qemu driver not installed"; return; }
    [[ -e $libdir/libvirt_driver_storage.so ]] || { echo "libvirt storage driver not installed"; return; }
    unshare --mount true 2>/dev/null || { echo "cannot create a mount namespace"; return; }
}

# vm_qemu_daemon_start TOP — libvirtd (qemu and storage drivers) in TOP/d, with a qemu.conf
# that runs guests as root with no security driver and no cgroups. Creates the libvirt-qemu
# user the driver insists on when missing (noted in TOP/created for vm_qemu_daemon_stop).
# Reasons for failure go to TOP/why.
vm_qemu_daemon_start() {
    local top=$1
    : > "$top/created"
    if ! id libvirt-qemu >/dev/null 2>&1; then
        useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin libvirt-qemu
        echo user >> "$top/created"
    fi
    mkdir -p "$top/d/etc"
    cat > "$top/d/etc/qemu.conf" <<'CONF'
user = "root"
group = "root"
dynamic_ownership = 0
security_driver = "none"
cgroup_controllers = [ ]
stdio_handler = "file"
CONF
    vm_daemon_start "$top/d" qemu storage 2>"$top/why" || true
}

# vm_qemu_daemon_stop TOP GUEST — stops the daemon, kills a qemu process of GUEST that
# outlived it, removes the user if we created it, and TOP itself.
vm_qemu_daemon_stop() {
    local top=$1 guest=$2 pid
    [[ -n $top && -d $top ]] || return 0
    VMD_DIR=$top/d vm_daemon_stop
    for pid in $(pgrep -f "guest=$guest" || true); do kill -9 "$pid" 2>/dev/null || true; done
    grep -qx user "$top/created" 2>/dev/null && userdel libvirt-qemu 2>/dev/null || true
    rm -rf "$top"
}

# vm_qemu_domain_xml NAME DISK — a tiny guest-less QEMU/TCG domain (64 MiB, ACPI, one qcow2
# root disk DISK as vda) on stdout, for `virsh define`.
vm_qemu_domain_xml() {
    cat <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <features><acpi/></features>
  <on_reboot>restart</on_reboot>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
XML
}
