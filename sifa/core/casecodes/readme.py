"""The Chinese README.txt inside every evidence package: what is in it and how to verify it, by tool or by hand."""

from __future__ import annotations

from sifa.core.cases.models import Case
from sifa.core.ledger.entries import format_time
from sifa.core.ledger.package import Checkpoint

_TEMPLATE = r"""sifa 证据包 · 校验说明
======================

案件：{number}  {title}
承办机构：{org}
案件 ID（存证中登记的案件编号）：{case_id}
案件码：{code}
哈希算法：{alg}
检查点：树大小 {tree_size}，根哈希 {root}
检查点时间：{timestamp}
公钥密钥标识：{key_id}


一、包内文件

  manifest.json        清单：案件信息，每份证据材料的文件名、大小、SM3、SHA-256、存证序号、
                       叶哈希（leaf_hash）、包含证明（inclusion_proof，十六进制，由近及远）
  files/               证据材料原文件，与上传时逐字节相同
  entries/<序号>.bin   每份材料在存证账本中的存证（规范字节）
  checkpoint.json      签名检查点：树大小、根哈希、时间、哈希算法、Ed25519 签名（base64）、密钥标识
  public_key.pem       签名公钥（Ed25519）
  README.txt           本说明


二、用工具校验（离线，无需联网）

  sifa verify 本证据包.zip --key-id {key_id}

  或者只取 sifa 源码中的 sifa/core/ledger 文件夹（需 Python 3.11 以上与 cryptography 库）：

  python -m sifa.core.ledger.package 本证据包.zip --key-id {key_id}

  通过时打印摘要并以 0 退出；否则打印第一处不符（哪个文件、哪条存证、哪一项）并以 1 退出。

  重要：证据包自带公钥，改动证据包的人也可以换上自己的公钥重新签名。请将密钥标识与司法行政机关
  公布的密钥标识核对，或用 --key-id 指定公布的标识；一致才说明检查点确由该机关的账本签发。


三、手工校验（H 为 {alg_upper}，‖ 为字节拼接）

  1. 文件。对 files/ 中每个文件计算 SM3 与 SHA-256，应与清单中该项的 sm3、sha256、size 一致：
       openssl dgst -sm3 files/文件名        openssl dgst -sha256 files/文件名

  2. 存证。entries/<序号>.bin 的格式：1 字节版本 0x01，然后依次为类型、案件 ID、对象哈希、
     元数据（规范 JSON）、时间五个字段，每个字段为 4 字节大端长度加该长度的 UTF-8 内容
     （xxd entries/<序号>.bin 可读出）。案件 ID 应为 {case_id}；对象哈希应为该文件的 H 值
     （十六进制小写）；元数据中的 attachment、name、size、sha256、sm3 应与清单一致。

  3. 叶哈希。leaf = H(0x00 ‖ 存证字节)，应等于清单中的 leaf_hash：
       (printf '\x00'; cat entries/<序号>.bin) | openssl dgst -{alg_openssl}

  4. 包含证明（RFC 9162 §2.1.3.2）。令 fn = 存证序号，sn = tree_size − 1，r = leaf，
     对 inclusion_proof 中的每个哈希 p 依次：
       若 sn = 0，失败；
       若 fn 为奇数或 fn = sn：r = H(0x01 ‖ p ‖ r)，且若 fn 为偶数，反复将 fn、sn 右移一位，
         直到 fn 为奇数或 0；
       否则：r = H(0x01 ‖ r ‖ p)；
       然后将 fn、sn 各右移一位。
     最后应有 sn = 0，且 r 等于 checkpoint.json 的 root_hash。

  5. 检查点签名。签名覆盖以下五行 UTF-8 文本（每行以 \n 结尾）：
       sifa-ledger-checkpoint/v1
       {tree_size}
       {root}
       {timestamp}
       {alg}
     printf 'sifa-ledger-checkpoint/v1\n%s\n%s\n%s\n%s\n' {tree_size} {root} {timestamp} {alg} > msg
     将 checkpoint.json 的 signature 用 base64 -d 解码为 sig（64 字节），然后：
     openssl pkeyutl -verify -pubin -inkey public_key.pem -rawin -in msg -sigfile sig

  6. 密钥标识。公钥原始 32 字节的 SHA-256 的前 16 位十六进制：
       openssl pkey -pubin -in public_key.pem -outform DER | tail -c 32 | openssl dgst -sha256
     应等于 checkpoint.json 的 key_id（{key_id}），并与机关公布的一致。


四、证明了什么

  全部通过说明：files/ 中的文件就是存证账本中为案件 {case_id} 登记的文件，这些存证包含在由该公钥
  签名的检查点（树大小 {tree_size}）之中，登记之后未被改动。清单中的案号、标题与机构仅供阅读，
  不在存证与签名之内。需要时可向签发机关索取此后的检查点与一致性证明
  （/api/v1/ledger/proofs/consistency），确认该检查点与账本后来的状态一致。
"""


def package_readme(case: Case, *, checkpoint: Checkpoint, key_id: str) -> str:
    return _TEMPLATE.format(
        number=case.number, title=case.title, org=case.org.name, case_id=case.pk, code=case.case_code,
        alg=checkpoint.hash_alg, alg_upper=checkpoint.hash_alg.upper(), alg_openssl=checkpoint.hash_alg,
        tree_size=checkpoint.tree_size, root=checkpoint.root_hash.hex(), timestamp=format_time(checkpoint.timestamp),
        key_id=key_id)
