#!/bin/sh
# Builds the small .msi files the MSI reader, the MsiInfo rules and the pack tests use, with Debian's msitools
# (apt-get install wixl msitools), and prints what msiinfo sees in each so the reader's results can be
# cross-checked by hand. The results are committed; npm test does not need msitools.
#
# machine-service, per-user and dual-purpose come from the .wxs sources in msi/. The rule-*.msi packages each
# exercise one MsiInfo rule of intunewin.md §1.2 ("How IntuneWinAppUtil 1.8.x derives each MsiInfo value"):
# rule_msi writes a one-component package from a template, and msibuild's SQL then adds what wixl cannot
# express (Registry Root -1 — wixl writes HKMU as 4 —, RemoveRegistry and ODBCDataSource rows, a missing
# ServiceInstall table, Property rows removed, other summary fields).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../test/fixtures/msi"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
cd "$here/msi"
wixl -a x64 -o "$out/machine-service.msi" machine-service.wxs
wixl -a x86 -o "$out/per-user.msi" per-user.wxs
wixl -a x86 -o "$out/dual-purpose.msi" dual-purpose.wxs

# rule_msi <name> <product-code digit> <Property/Package xml> <install folder id> <RegistryValue root>
rule_msi() {
  cat > "$work/$1.wxs" <<WXS
<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="5555555$2-ABCD-EF01-2345-6789ABCDEF05" Name="Rule $1" Language="1033" Version="1.0.$(printf %d "0x$2")"
           Manufacturer="Rule Maker" UpgradeCode="5555555$2-DDDD-EEEE-FFFF-000000000000">
    $3
    <Media Id="1" Cabinet="data.cab" EmbedCab="yes" />
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="$4">
        <Directory Id="INSTALLDIR" Name="Rule">
          <Component Id="R1" Guid="5555555$2-2222-3333-4444-555555555555">
            <File Id="app.txt" Source="app.txt" />
            <RegistryValue Root="$5" Key="Software\\Rule\\$1" Name="Installed" Type="integer" Value="1" KeyPath="yes" />
          </Component>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Main" Level="1"><ComponentRef Id="R1" /></Feature>
  </Product>
</Wix>
WXS
  cp "$work/$1.wxs" ./rule.wxs && wixl -a x86 -o "$out/rule-$1.msi" rule.wxs; rm -f rule.wxs
}
sql() { msibuild "$out/rule-$1.msi" -q "$2"; }
machine='<Package InstallerVersion="200" Compressed="yes" InstallScope="perMachine" />'
user='<Package InstallerVersion="200" Compressed="yes" InstallScope="perUser" />'
plain='<Package InstallerVersion="200" Compressed="yes" />'

# Registry roots: HKCR (0) never counts, HKU (3) always does, -1 only when the package is not a user install.
rule_msi hkcr-only 1 "$machine" ProgramFilesFolder HKCR
rule_msi hku 2 "$user" LocalAppDataFolder HKU
rule_msi hkmu-machine 3 "$machine" ProgramFilesFolder HKMU
sql hkmu-machine 'UPDATE `Registry` SET `Root` = -1 WHERE `Root` = 4'
rule_msi hkmu-user 4 "$user" LocalAppDataFolder HKMU
sql hkmu-user 'UPDATE `Registry` SET `Root` = -1 WHERE `Root` = 4'
# A per-user package whose only HKLM row is in RemoveRegistry.
rule_msi remove-registry 5 "$user" LocalAppDataFolder HKCU
sql remove-registry 'CREATE TABLE `RemoveRegistry` (`RemoveRegistry` CHAR(72) NOT NULL, `Root` SHORT NOT NULL, `Key` CHAR(255) NOT NULL, `Name` CHAR(255), `Component_` CHAR(72) NOT NULL PRIMARY KEY `RemoveRegistry`)'
sql remove-registry "INSERT INTO \`RemoveRegistry\` (\`RemoveRegistry\`, \`Root\`, \`Key\`, \`Component_\`) VALUES ('OldKey', 2, 'Software\\Rule\\Old', 'R1')"
# System folders: CommonAppDataFolder counts (ProgramFilesFolder and LocalAppDataFolder above do not).
rule_msi common-app-data 6 "$machine" CommonAppDataFolder HKCR
# REBOOT is compared case-sensitively: lower-case "force" is no required reboot.
rule_msi reboot-lower 7 "$machine<Property Id=\"REBOOT\" Value=\"force\" />" ProgramFilesFolder HKCR
# ALLUSERS=2 without MSIINSTALLPERUSER (machine install), with MSIINSTALLPERUSER=0 (the tool: user install,
# as the value is not empty), and a value the tool refuses.
rule_msi allusers-2 8 "$plain<Property Id=\"ALLUSERS\" Value=\"2\" />" ProgramFilesFolder HKCR
rule_msi allusers-2-peruser-0 9 "$plain<Property Id=\"ALLUSERS\" Value=\"2\" /><Property Id=\"MSIINSTALLPERUSER\" Value=\"0\" />" ProgramFilesFolder HKCR
rule_msi allusers-invalid A "$plain<Property Id=\"ALLUSERS\" Value=\"3\" />" ProgramFilesFolder HKCR
# wixl always writes an (often empty) ServiceInstall table; these two show the tool's inverted table test:
# no ServiceInstall table and an ODBCDataSource table with a row (both false), and an empty ODBCDataSource table
# beside wixl's empty ServiceInstall table (both true).
odbc='CREATE TABLE `ODBCDataSource` (`DataSource` CHAR(72) NOT NULL, `Component_` CHAR(72) NOT NULL, `Description` CHAR(255) NOT NULL, `DriverDescription` CHAR(255) NOT NULL, `Registration` SHORT NOT NULL PRIMARY KEY `DataSource`)'
rule_msi tables-with-rows B "$machine" ProgramFilesFolder HKCR
sql tables-with-rows 'DROP TABLE `ServiceInstall`'
sql tables-with-rows "$odbc"
sql tables-with-rows "INSERT INTO \`ODBCDataSource\` (\`DataSource\`, \`Component_\`, \`Description\`, \`DriverDescription\`, \`Registration\`) VALUES ('RuleDsn', 'R1', 'Rule DSN', 'SQL Server', 0)"
rule_msi tables-empty C "$machine" ProgramFilesFolder HKCR
sql tables-empty "$odbc"
# Name, MsiPublisher and MsiPackageCode from their fallbacks: no ProductName or Manufacturer property (so the
# summary's Subject and Author), and a PackageCode property that wins over the summary's Revision Number.
rule_msi summary-fallbacks D "$machine" ProgramFilesFolder HKCR
sql summary-fallbacks "DELETE FROM \`Property\` WHERE \`Property\` = 'ProductName'"
sql summary-fallbacks "DELETE FROM \`Property\` WHERE \`Property\` = 'Manufacturer'"
sql summary-fallbacks "INSERT INTO \`Property\` (\`Property\`, \`Value\`) VALUES ('PackageCode', '{DDDDDDDD-1111-2222-3333-444444444444}')"
msibuild "$out/rule-summary-fallbacks.msi" -s "Subject Of Summary" "Author Of Summary"

for msi in "$out"/*.msi; do
  echo "== $(basename "$msi")"
  msiinfo suminfo "$msi" | grep -E 'Subject|Author|Revision number|Template'
  msiinfo export "$msi" Property | tail -n +4
done
