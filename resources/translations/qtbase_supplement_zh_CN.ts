<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt's own strings that Qt's Chinese catalogue (qtbase_zh_CN.qm) lacks: Qt 6 added
     mnemonics to these file-dialog labels and the catalogue still has the old texts.
     Build: pyside6-lrelease resources/translations/qtbase_supplement_zh_CN.ts -->
<TS version="2.1" language="zh_CN">
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
</TS>
