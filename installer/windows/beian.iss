; Inno Setup 6 script: a per-user installer of the PyInstaller folder dist\beian
; (built with installer\beian.spec). Steps: installer\windows\README.md.
;
;   ISCC.exe /DAppVersion=<version from pyproject.toml> installer\windows\beian.iss
;
; Installs into %LOCALAPPDATA%\Programs\beian without administrator rights, adds a
; Start-menu entry, and writes dist\beian-setup-<version>.exe. The desk keeps its data in
; %LOCALAPPDATA%\beian (platformdirs); uninstalling keeps it unless the user says otherwise.
; Saved as UTF-8 with a byte-order mark so that Inno Setup reads the Chinese text right.

#ifndef AppVersion
  #error Pass the version: ISCC.exe /DAppVersion=X.Y.Z installer\windows\beian.iss
#endif
#define AppName "涉企行政执法检查备案"
#define AppExe "beian.exe"

[Setup]
AppId={{9201658F-E76F-4E74-8B8E-2AA28DC9F40C}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=湘潭市涉企行政执法检查备案
VersionInfoVersion={#AppVersion}
; Per-user: no administrator rights, {autopf} is %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
DefaultDirName={autopf}\beian
DisableProgramGroupPage=yes
; Qt 6 runs on 64-bit Windows 10 and 11 only.
MinVersion=10.0
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SourceDir=..\..
OutputDir=dist
OutputBaseFilename=beian-setup-{#AppVersion}
SetupIconFile=installer\windows\beian.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; An upgrade asks a running desk to close first (its store is open).
CloseApplications=yes

[Languages]
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
Name: "zh"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif
Name: "en"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole runtime, so no module of an older version lingers.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "dist\beian\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Converted fonts for printing: a cache, rebuilt when needed.
Type: filesandordirs; Name: "{localappdata}\beian\Cache"

[Code]
// The data folder (filings, the store, backups, logs) stays unless the user says
// "Yes" here; "No" is the default, and a silent uninstall keeps it too.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep = usPostUninstall then
  begin
    DataDir := ExpandConstant('{localappdata}\beian');
    if DirExists(DataDir) and
       (SuppressibleMsgBox('是否同时删除本程序的全部数据（备案表、数据库、备份和日志）？' + #13#10 + #13#10 +
          DataDir + #13#10 + #13#10 +
          '选择“否”将保留数据，重新安装后可以继续使用。删除后无法恢复。',
          mbConfirmation, MB_YESNO or MB_DEFBUTTON2, IDNO) = IDYES) then
      DelTree(DataDir, True, True, True);
  end;
end;
