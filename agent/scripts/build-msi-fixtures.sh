#!/usr/bin/env bash
# Builds the small .msi fixtures of agent/test/fixtures/installer with Debian's msitools (wixl):
#   apt-get install -y msitools && bash agent/scripts/build-msi-fixtures.sh
# demo-x64.msi: 64-bit package, per-machine, a file under Program Files and two registry values (64-bit view).
# demo-x86.msi: 32-bit package, the same payload under Program Files (x86) and WOW6432Node.
# demo-reboot.msi: demo-x64's product code in another package (so installing it over demo-x64 gives 1638),
#   with ScheduleReboot in InstallExecuteSequence (3010 with /norestart, 1641 without).
# demo-upgrade.msi: version 1.3.0 of the same UpgradeCode with a new ProductCode and MajorUpgrade (removes
#   demo-x64 and demo-reboot), also installing a service (ServiceInstall table).
# demo-prereq.msi: a launch condition on a prerequisite found by a registry search (AppSearch/RegLocator).
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/test/fixtures/installer"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
printf 'Demo App payload\r\n' > "$work/app.txt"

write_wxs() { # name product-code arch-folder win64 version component-digit [extra product xml]
  cat > "$work/$1.wxs" <<WXS
<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="$2" Name="Demo App $1" Language="1033" Version="$5" Manufacturer="Contoso"
           UpgradeCode="{AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}">
    <Package InstallerVersion="200" Compressed="yes" InstallScope="perMachine" />
    <Media Id="1" Cabinet="data.cab" EmbedCab="yes" />
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="$3">
        <Directory Id="INSTALLDIR" Name="Demo App">
          <Component Id="MainComponent" Guid="{11111111-2222-3333-4444-55555555555$6}" Win64="$4">
            <File Id="AppTxt" Name="app.txt" Source="app.txt" KeyPath="yes" />
            <RegistryValue Root="HKLM" Key="Software\\Contoso\\Demo" Name="Version" Type="string" Value="$5" />
            <RegistryValue Root="HKLM" Key="Software\\Contoso\\Demo" Name="Answer" Type="integer" Value="42" />
          </Component>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Main" Level="1"><ComponentRef Id="MainComponent" /></Feature>
    ${7:-}
  </Product>
</Wix>
WXS
}

write_wxs demo-x64 "{12345678-ABCD-EF01-2345-6789ABCDEF01}" ProgramFiles64Folder yes 1.2.3 1
(cd "$work" && wixl -a x64 -o "$out/demo-x64.msi" demo-x64.wxs)
write_wxs demo-x86 "{87654321-ABCD-EF01-2345-6789ABCDEF02}" ProgramFilesFolder no 2.0.0 2
(cd "$work" && wixl -a x86 -o "$out/demo-x86.msi" demo-x86.wxs)
write_wxs demo-reboot "{12345678-ABCD-EF01-2345-6789ABCDEF01}" ProgramFiles64Folder yes 1.2.4 3 \
  '<InstallExecuteSequence><ScheduleReboot After="InstallFinalize" /></InstallExecuteSequence>'
(cd "$work" && wixl -a x64 -o "$out/demo-reboot.msi" demo-reboot.wxs)
write_wxs demo-upgrade "{22222222-ABCD-EF01-2345-6789ABCDEF03}" ProgramFiles64Folder yes 1.3.0 4 \
  '<MajorUpgrade DowngradeErrorMessage="A newer version of Demo App is already installed." />'
sed -i 's|KeyPath="yes" />|KeyPath="yes" />\n            <ServiceInstall Id="DemoSvc" Name="DemoSvc" DisplayName="Demo Service" Description="Demo App service" Type="ownProcess" Start="auto" ErrorControl="normal" />|' "$work/demo-upgrade.wxs"
(cd "$work" && wixl -a x64 -o "$out/demo-upgrade.msi" demo-upgrade.wxs)
write_wxs demo-prereq "{33333333-ABCD-EF01-2345-6789ABCDEF04}" ProgramFiles64Folder yes 1.0.0 5 \
  '<Property Id="RUNTIMEVERSION"><RegistrySearch Id="RuntimeSearch" Root="HKLM" Key="Software\Contoso\Runtime" Name="Version" Type="raw" Win64="yes" /></Property>
    <Condition Message="Contoso Runtime is required.">Installed OR RUNTIMEVERSION</Condition>'
(cd "$work" && wixl -a x64 -o "$out/demo-prereq.msi" demo-prereq.wxs)
ls -l "$out"/*.msi
