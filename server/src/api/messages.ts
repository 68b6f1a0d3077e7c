// The API's error messages in the residents' languages. Simplified Chinese is the default; English is
// chosen by an Accept-Language that prefers it. `{name}` placeholders are filled from the error's params.

export type Language = "zh-CN" | "en";

export const messages = {
  not_found: { "zh-CN": "没有找到 {path}。", en: "Nothing is found at {path}." },
  invalid_request: {
    "zh-CN": "请求的内容不符合要求，请按 details 中列出的字段修改后重试。",
    en: "The request is not valid; fix the fields listed in details and try again.",
  },
  invalid_json: {
    "zh-CN": "请求体不是有效的 JSON。",
    en: "The request body is not valid JSON.",
  },
  body_too_large: {
    "zh-CN": "请求体过大，上限为 {limit}。",
    en: "The request body is too large; the limit is {limit}.",
  },
  invalid_path: {
    "zh-CN": "网址中有无法识别的转义字符（%后应跟两位十六进制数字），请检查网址后重试。",
    en: "The address (URL) has a malformed percent-escape (% must be followed by two hex digits); check the address and try again.",
  },
  invalid_body_encoding: {
    "zh-CN": "请求体声明已压缩（Content-Encoding），但无法解压，请发送完整的压缩数据或不压缩后重试。",
    en: "The request body says it is compressed (Content-Encoding) but cannot be decompressed; send it whole, or uncompressed, and try again.",
  },
  unsupported_encoding: {
    "zh-CN": "不支持这种请求体压缩方式（Content-Encoding），请改用 gzip、deflate、br，或不压缩。",
    en: "This Content-Encoding is not supported; use gzip, deflate or br, or send the body uncompressed.",
  },
  unsupported_charset: {
    "zh-CN": "请求体的字符集不受支持，请使用 UTF-8。",
    en: "The request body's charset is not supported; use UTF-8.",
  },
  unsupported_media_type: {
    "zh-CN": "请求体须为 JSON，请将 Content-Type 设为 application/json。",
    en: "The request body must be JSON; send it with Content-Type: application/json.",
  },
  request_timeout: {
    "zh-CN": "请求没有在服务器的等待时限内完整送达，连接已关闭。请检查网络后重试。",
    en: "The request did not arrive in full within the server's time limit, so the connection was closed; check the network and try again.",
  },
  malformed_request: {
    "zh-CN": "无法解析这个 HTTP 请求（请求行或请求头有误），请检查后重试。",
    en: "This HTTP request cannot be parsed (its request line or headers are malformed); check it and try again.",
  },
  headers_too_large: {
    "zh-CN": "请求头过大（例如网址太长），请缩短后重试。",
    en: "The request's headers are too large (for example, the address is too long); shorten them and try again.",
  },
  rate_limited: {
    "zh-CN": "请求过于频繁，请稍后再试。",
    en: "Too many requests; please wait a moment and try again.",
  },
  unauthenticated: {
    "zh-CN": "请先登录（使用以太坊账户签名登录）。",
    en: "Please sign in first (Sign-In with Ethereum).",
  },
  forbidden: {
    "zh-CN": "您的账户没有执行此操作所需的角色：{role}。",
    en: "Your account lacks the role this action needs: {role}.",
  },
  siwe_malformed: {
    "zh-CN": "登录消息格式不正确，请按 EIP-4361 重新生成并签名。",
    en: "The sign-in message is malformed; create it again per EIP-4361 and sign it.",
  },
  siwe_wrong_domain: {
    "zh-CN": "登录消息的域名 {got} 与本站 {expected} 不符。",
    en: "The sign-in message is for {got}, not for this site ({expected}).",
  },
  siwe_wrong_uri: {
    "zh-CN": "登录消息中的网址 {got} 不是本站（{expected}）。请在本站页面上重新登录。",
    en: "The sign-in message's URI {got} is not this site ({expected}); sign in again from this site's page.",
  },
  siwe_issued_in_future: {
    "zh-CN": "登录消息的签发时间 {issuedAt} 晚于服务器时间 {now}（允许误差 {skew} 秒）。请把设备的日期和时间设为自动，然后重新登录。",
    en: "The sign-in message is dated {issuedAt}, later than the server's time {now} (allowed drift {skew} s). Set your device's date and time to automatic, then sign in again.",
  },
  address_rate_limited: {
    "zh-CN": "账户 {address} 短时间内{action}次数过多（每分钟最多 {limit} 次），请 {retryAfter} 秒后再试。",
    en: "Account {address} has made too many {action} in a short time (at most {limit} a minute); try again in {retryAfter} seconds.",
  },
  siwe_wrong_chain: {
    "zh-CN": "登录消息的链编号 {got} 与本站使用的 {expected} 不符。",
    en: "The sign-in message names chain {got}; this site uses chain {expected}.",
  },
  siwe_bad_nonce: {
    "zh-CN": "登录随机数无效或已过期，请重新获取随机数后再签名。",
    en: "The sign-in nonce is unknown, used or expired; fetch a new nonce and sign again.",
  },
  siwe_expired: {
    "zh-CN": "登录消息已过期或尚未生效。",
    en: "The sign-in message has expired or is not valid yet.",
  },
  siwe_bad_signature: {
    "zh-CN": "签名与消息中的地址 {address} 不符。",
    en: "The signature does not match the address {address} in the message.",
  },
  unknown_record: {
    "zh-CN": "没有编号为 {id} 的{kind}。",
    en: "There is no {kind} with id {id}.",
  },
  unknown_vote: {
    "zh-CN": "没有编号为 {voteId} 的表决。",
    en: "There is no vote {voteId}.",
  },
  vote_not_open: {
    "zh-CN": "表决 {voteId} 现在不接受投票：投票时间为 {start} 至 {end}（区块时间，秒），现在是 {now}。",
    en: "Vote {voteId} is not taking ballots: it runs from {start} to {end} (block time, seconds); it is now {now}.",
  },
  not_eligible: {
    "zh-CN": "地址 {holder} 在表决 {voteId} 开始时不是该范围内的业主，不能投票。",
    en: "Address {holder} held no unit in the scope of vote {voteId} when it opened, so it cannot vote.",
  },
  already_voted: {
    "zh-CN": "业主 {holder} 已在表决 {voteId} 中投过票；选票一经投出不可更改。",
    en: "Holder {holder} has already voted in vote {voteId}; a ballot is final.",
  },
  ballot_conflict: {
    "zh-CN": "业主 {holder} 在表决 {voteId} 中已有一张待提交的不同选票（编号 {id}）。",
    en: "Holder {holder} already has a different ballot queued for vote {voteId} (id {id}).",
  },
  bad_ballot_signature: {
    "zh-CN": "选票签名无效：签名者 {signer} 不是业主 {holder} 本人。请业主本人用 /api/eip712 公布的域重新签名；社区工作者代为投票须凭书面授权在社区办理。",
    en: "The ballot's signature is not valid: signer {signer} is not holder {holder}. The holder must sign it with the domain from /api/eip712; staff cast a ballot for a resident only under a written authorisation, at the community office.",
  },
  unknown_ballot: {
    "zh-CN": "没有编号为 {id} 的选票。",
    en: "There is no ballot with id {id}.",
  },
  unknown_estate: {
    "zh-CN": "没有编号为 {estateId} 的小区。",
    en: "There is no estate {estateId}.",
  },
  unknown_building: {
    "zh-CN": "没有编号为 {buildingId} 的楼栋。",
    en: "There is no building {buildingId}.",
  },
  unknown_unit: {
    "zh-CN": "没有编号为 {unitId} 的房屋（专有部分）。",
    en: "There is no unit {unitId}.",
  },
  unknown_plan: {
    "zh-CN": "没有编号为 {planId} 的维修资金使用方案。",
    en: "There is no maintenance-fund plan {planId}.",
  },
  unknown_service: {
    "zh-CN": "时间银行中没有编号为 {serviceId} 的服务记录。",
    en: "The time bank has no service record {serviceId}.",
  },
  unknown_proxy_authorization: {
    "zh-CN": "没有编号为 {authorizationId} 的代办授权。请核对社区工作者给您的授权编号。",
    en: "There is no proxy authorisation {authorizationId}. Check the number the community office gave you.",
  },
  not_anchored_yet: {
    "zh-CN": "记录 {id} 已入账，但所在批次还没有锚定上链，暂时没有回执。本服务器在有 {leaves} 条记录等待时，或第一条等待的记录等满 {seconds} 秒后，就锚定一个批次；锚定交易被索引后即可取得回执。请稍等片刻再试。",
    en: "Record {id} is logged, but its batch is not anchored on chain yet, so there is no receipt for it yet. This server anchors a batch once {leaves} records are waiting, or {seconds} seconds after the first of them; the receipt is ready as soon as that anchoring is indexed. Try again shortly.",
  },
  anchoring_record_waits: {
    "zh-CN": "记录 {id} 是一次锚定操作本身留下的链上记录（RecordAnchor.BatchAnchored）。这类记录随下一个批次锚定，但自己不会触发新批次（否则锚定会没完没了）：它要等到有别的记录（投票、资金收支、时间银行记录等）入账后，随那个批次一起锚定。小区长时间没有新动态时，可能要等上几小时甚至几天；请在有新动态之后再试。",
    en: "Record {id} is the chain's record of an anchoring itself (RecordAnchor.BatchAnchored). Such records are anchored with the next batch but never start one on their own (or anchoring would never stop): this one waits until some other record (a ballot, a fund movement, a time-bank entry…) is logged, and is anchored in that record's batch. On a quiet estate that can take hours or days; try again after the next activity.",
  },
  not_anchored_elsewhere: {
    "zh-CN": "记录 {id} 已入账，但所在批次还没有锚定上链，暂时没有回执。本服务器不负责锚定（没有配置锚定密钥）：要等负责锚定的服务器锚定该批次、本服务器索引到之后，才能取得回执。",
    en: "Record {id} is logged, but its batch is not anchored on chain yet, so there is no receipt for it yet. This server does not anchor (it has no anchoring key): the receipt is ready once the estate's anchoring server has anchored the batch and this server has indexed it.",
  },
  invalid_cursor: {
    "zh-CN": "分页游标无效。请使用上一页返回的 nextCursor，或去掉 cursor 从头开始。",
    en: "The page cursor is not valid; pass the nextCursor of the previous page, or leave cursor out to start from the beginning.",
  },
  unknown_delivery: {
    "zh-CN": "通知队列中没有编号为该值的通知。请从通知列表中复制完整的编号后重试。",
    en: "No notification in the outbox has this delivery id; copy the whole id from the outbox list and try again.",
  },
  delivery_not_requeueable: {
    "zh-CN": "这条通知还在发送中或已经发出，不能重新排队。只有发送失败（dead）或被跳过（skipped）的通知才能重新排队。",
    en: "This notification is still being sent or was already sent, so it cannot be queued again; only dead or skipped notifications can be.",
  },
  chain_unavailable: {
    "zh-CN": "暂时连不上区块链节点，这项操作需要它。已保存的数据不受影响，请过一两分钟再试。",
    en: "The blockchain node cannot be reached right now, and this action needs it. Nothing saved is affected; please try again in a minute or two.",
  },
  consent_required: {
    "zh-CN": "本人尚未同意将其个人信息用于“{purpose}”（缺少的同意：{missing}）。请先征得本人同意；照片和位置属于敏感个人信息，需要本人单独同意。",
    en: "The person has not consented to the use of their personal data for {purpose} (consent missing: {missing}). Ask for their consent first; photos and locations are sensitive and need their own, separate consent.",
  },
  separate_consent_evidence_required: {
    "zh-CN": "“{purpose}”涉及敏感个人信息，须由本人单独同意。请附上本人签署的单独同意书的编号或哈希。",
    en: "{purpose} concerns sensitive personal data, which needs the person's separate consent; attach the id or hash of the separate consent form they signed.",
  },
  subject_erased: {
    "zh-CN": "此人的个人信息已于 {erasedAt} 应本人要求删除，无法再读取或写入。",
    en: "This person's data was erased at their request on {erasedAt}; nothing about them can be read or written any more.",
  },
  person_not_found: {
    "zh-CN": "没有编号为 {personId} 的人员信息。",
    en: "No personal data is held for person {personId}.",
  },
  value_not_found: {
    "zh-CN": "没有保存人员 {personId} 的“{field}”信息。",
    en: "No {field} is held for person {personId}.",
  },
  value_too_large: {
    "zh-CN": "“{field}”的内容过长，上限为 {limit} 字节。较长的文字请作为文件上传。",
    en: "The {field} is too long; the limit is {limit} bytes. Upload longer texts as a document.",
  },
  access_log_failed: {
    "zh-CN": "访问记录暂时无法写入，为保护个人信息，本次读取已被拒绝。请稍后重试。",
    en: "The access log cannot be written right now, so the read was refused to protect personal data. Please try again shortly.",
  },
  directory_role_required: {
    "zh-CN": "此操作需要以下角色之一：{roles}。请用有该角色的账户登录，或请登记员为您授予角色。",
    en: "This action needs one of these roles: {roles}. Sign in with an account that holds one, or ask the registrar to grant it.",
  },
  directory_purpose_not_allowed: {
    "zh-CN": "您的角色（{roles}）不能为“{purpose}”这一目的查看人员信息。请选择您的角色允许的目的（见 docs/privacy.md 第 2 节）。",
    en: "Your roles ({roles}) may not view personal data for the purpose {purpose}. Choose a purpose your role allows (docs/privacy.md §2).",
  },
  directory_field_not_allowed: {
    "zh-CN": "您的角色（{roles}）为“{purpose}”不能查看“{field}”这一项。请去掉这一项后重试。",
    en: "Your roles ({roles}) may not see the field {field} for the purpose {purpose}. Leave that field out and try again.",
  },
  directory_unknown_person: {
    "zh-CN": "通讯录中没有编号为 {personId} 的人员。请核对编号。",
    en: "The directory has no person {personId}. Check the id.",
  },
  directory_unknown_organisation: {
    "zh-CN": "通讯录中没有编号为 {organisationId} 的单位。请先登记该单位。",
    en: "The directory has no organisation {organisationId}. Register it first.",
  },
  directory_label_taken: {
    "zh-CN": "“{label}”已用于房屋 #{unitId}。请核对楼栋、单元和室号。",
    en: "The label {label} is already used by unit #{unitId}. Check the building, entrance and room.",
  },
  directory_bad_label_query: {
    "zh-CN": "无法识别“{query}”。请按“1号楼2单元406”或“1-2-406”的格式输入。",
    en: "\"{query}\" is not a flat we can read. Type it like 1-2-406 or 1号楼2单元406.",
  },
  directory_display_name_missing: {
    "zh-CN": "人员 {personId} 还没有昵称，无法公开显示。请先填写本人选择的昵称。",
    en: "Person {personId} has no display name to show. Give the name they chose first.",
  },
  directory_already_linked: {
    "zh-CN": "人员 {personId} 已与该地址或房屋关联，无需重复关联。",
    en: "Person {personId} is already linked to that address or unit.",
  },
  directory_not_linked: {
    "zh-CN": "人员 {personId} 没有与该地址或房屋关联，无法取消关联。",
    en: "Person {personId} is not linked to that address or unit, so there is nothing to unlink.",
  },
  directory_role_already_held: {
    "zh-CN": "地址 {address} 已经拥有角色 {role}。",
    en: "Address {address} already holds the role {role}.",
  },
  directory_role_not_held: {
    "zh-CN": "地址 {address} 没有角色 {role}，无法撤销。",
    en: "Address {address} does not hold the role {role}, so it cannot be revoked.",
  },
  journal_failed: {
    "zh-CN": "这项更改暂时无法记入账本，为保证每项更改都有记录，本次更改没有保存。请稍后重试。",
    en: "This change cannot be recorded in the journal right now; so that no change goes unrecorded, nothing was saved. Please try again shortly.",
  },
  person_not_yours: {
    "zh-CN": "您登录的账户 {address} 没有登记为人员 {personId} 本人，不能查看或更改其个人信息。如需代办，请由社区工作者凭本人签署的书面授权办理。",
    en: "The account you signed in with ({address}) is not registered as person {personId}, so it cannot see or change their data. Community staff can act for them under a written authorisation the person signed.",
  },
  erasure_not_confirmed: {
    "zh-CN": "删除个人信息无法撤销。请在 confirm 中再次填写人员编号 {personId} 以确认。",
    en: "Erasure cannot be undone; confirm it by sending the person id {personId} again in confirm.",
  },
  document_forbidden: {
    "zh-CN": "只有{roles}可以上传“{class}”类文件。请用具有该角色的账户登录后再上传。",
    en: "Only {roles} may store documents of class {class}; sign in with an account that holds that role and upload again.",
  },
  document_type_unsupported: {
    "zh-CN": "不接受这种文件类型（Content-Type: {declared}）。可上传的类型及大小上限：{types}。请把 Content-Type 设为文件的真实类型。",
    en: "This type of document (Content-Type: {declared}) is not accepted. The types taken, with their size limits: {types}. Send the file with its real Content-Type.",
  },
  document_type_not_for_class: {
    "zh-CN": "“{class}”类文件不能是 {type} 类型，只能是：{types}。",
    en: "A document of class {class} cannot be {type}; it may be: {types}.",
  },
  document_type_mismatch: {
    "zh-CN": "文件内容与声明的类型不符：声明为 {declared}，实际内容为 {detected}。请上传真实的文件并声明其真实类型（可上传：{types}）。",
    en: "The file's bytes do not match its declared type: declared {declared}, but the bytes are {detected}. Upload the real file with its real type (taken: {types}).",
  },
  document_too_large: {
    "zh-CN": "文件过大：{type} 类型的上限为 {limit}（各类型上限：{types}）。请压缩或拆分后再上传。",
    en: "The document is too large: the limit for {type} is {limit} (limits by type: {types}). Compress or split it and upload again.",
  },
  document_empty: {
    "zh-CN": "文件是空的（0 字节），请选择要上传的文件。",
    en: "The document is empty (0 bytes); choose the file to upload.",
  },
  document_hash_mismatch: {
    "zh-CN": "收到的文件哈希为 {actual}，与您给出的 {expected} 不符：文件在传输中可能已损坏或被替换。请重新上传。",
    en: "The document received hashes to {actual}, not to the {expected} you gave: it was damaged or replaced on the way. Upload it again.",
  },
  document_class_conflict: {
    "zh-CN": "内容相同的文件 {hash} 已作为“{class}”类保存，不能再作为“{requested}”类保存。",
    en: "A document with these exact bytes ({hash}) is already stored as class {class}; it cannot be stored again as {requested}.",
  },
  document_not_found: {
    "zh-CN": "本服务器没有保存哈希为 {hash} 的文件。",
    en: "No document with hash {hash} is stored on this server.",
  },
  document_restricted: {
    "zh-CN": "这份文件含有居民的个人信息（如纸质选票、书面授权的扫描件），只有{roles}登录后才能查看。",
    en: "This document shows residents' personal data (a scanned paper ballot or written authorisation); only {roles}, signed in, may read it.",
  },
  document_attachment_missing: {
    "zh-CN": "附件 {hash} 尚未保存在本服务器上。请先通过 POST /api/documents 上传附件，再保存提案。",
    en: "Attachment {hash} is not stored on this server. Upload it first (POST /api/documents), then store the proposal.",
  },
  document_attachment_restricted: {
    "zh-CN": "附件 {hash} 含有个人信息，不能附在公开的提案上。",
    en: "Attachment {hash} holds personal data and cannot be attached to a public proposal.",
  },
  document_hash_invalid: {
    "zh-CN": "文件哈希 {hash} 格式不正确：应为 0x 加 64 位十六进制数字（文件字节的 keccak256）。",
    en: "The document hash {hash} is malformed: it must be 0x and 64 hex digits (keccak256 of the file's bytes).",
  },
  proposal_not_stored: {
    "zh-CN": "本服务器未保存哈希为 {hash} 的提案全文（链上只记录了它的哈希）。",
    en: "The proposal text is not stored here: the chain records only its hash, {hash}.",
  },
  version_conflict: {
    "zh-CN": "{id} 已被他人更新（您看到的是第 {expected} 版，现在是第 {actual} 版）。请刷新后根据最新内容重新操作。",
    en: "{id} has changed since you saw it (you saw version {expected}; it is now at version {actual}). Reload it and act on the latest version.",
  },
  idempotency_key_reused: {
    "zh-CN": "幂等键 {key} 已用于另一项不同的请求。重试同一请求请原样发送；新的请求请换一个新的幂等键。",
    en: "Idempotency-Key {key} was already used for a different request. Send a retry exactly as before; give a new request a new key.",
  },
  invalid_idempotency_key: {
    "zh-CN": "Idempotency-Key 请求头无效：须为 1 至 128 个可打印字符，不含空格（例如一个 UUID）。",
    en: "The Idempotency-Key header is not valid: use 1 to 128 printable characters without spaces (a UUID, for example).",
  },
  proxy_incomplete: {
    "zh-CN": "代办须同时写明代谁办理（onBehalfOf）和所依据的授权编号（authorisation），缺少：{missing}。",
    en: "Acting for someone needs both whom (onBehalfOf) and the authorisation it rests on (authorisation); missing: {missing}.",
  },
  proxy_not_allowed: {
    "zh-CN": "“{command}”不能由他人代办，须由本人办理。",
    en: "{command} cannot be done on someone's behalf; the person must do it themself.",
  },
  proxy_staff_only: {
    "zh-CN": "只有社区工作者才能代居民办理，账户 {address} 没有社区工作者角色。",
    en: "Only community staff may act for a resident; account {address} does not hold the staff role.",
  },
  proxy_not_authorised: {
    "zh-CN": "没有找到有效的代办授权 {authorisation}（代 {onBehalfOf} 办理）：授权可能不存在、已撤销、已过期或不包括此类事项。请先在社区办理书面授权。",
    en: "No valid authorisation {authorisation} to act for {onBehalfOf} was found: it may not exist, or be revoked, expired or not cover this kind of matter. Record the written authorisation at the community office first.",
  },
  wrong_state: {
    "zh-CN": "{kind} {id} 现在的状态是“{state}”，不能{action}。",
    en: "{kind} {id} is {state} now, so it cannot be {action}.",
  },
  // issue 13: time bank
  unknown_voucher: {
    "zh-CN": "兑换码 {code} 不存在。请核对居民手机上显示的 8 位兑换码，重新输入或扫码。",
    en: "There is no voucher {code}. Check the 8-character code on the resident's phone and type or scan it again.",
  },
  voucher_other_partner: {
    "zh-CN": "兑换码 {code} 是在别的合作商户兑换的，不能在本店核销。请居民到兑换时选的商户使用。",
    en: "Voucher {code} was redeemed at another partner and cannot be honoured here; the resident should use it at the partner they chose.",
  },
  voucher_already_honoured: {
    "zh-CN": "兑换码 {code} 已经核销过了，不能再次使用。",
    en: "Voucher {code} has already been honoured and cannot be used again.",
  },
  // issue 14: work orders
  workorder_unknown_category: {
    "zh-CN": "没有“{code}”这一类问题。请从列表里选一类，实在找不到就选“其他问题”。",
    en: "There is no category \"{code}\". Pick one from the list, or \"Something else\" if none fits.",
  },
  workorder_wrong_status: {
    "zh-CN": "这张工单现在不能做这一步。请刷新页面，看看它的最新进展。",
    en: "This work order is {status} and this step needs it to be {allowed}. Reload the page to see where it stands.",
  },
  workorder_wrong_party: {
    "zh-CN": "这张工单不是派给您单位的，不能由您处理。如果派错了，请联系社区办公室改派。",
    en: "This work order is assigned to {party}, not to your party ({yours}). If it was sent to the wrong party, ask the community office to reassign it.",
  },
  workorder_not_reporter: {
    "zh-CN": "只有报事的居民本人（或社区工作者凭授权代办）才能确认、重开或评价这张工单。",
    en: "Only a resident who reported work order {id} (or staff acting for them under an authorisation) can confirm, reopen or rate it.",
  },
  workorder_device_event: {
    "zh-CN": "设备报警必须带上设备编号和事件编号；其他渠道的报事不能带。",
    en: "An alarm from a device needs its device and event ids, and only an alarm may carry them (channel: {channel}).",
  },
  workorder_caller_needed: {
    "zh-CN": "代录热线来电时，请先在居民名录里找到或登记来电人，再提交。",
    en: "For a hotline call, find or add the caller in the directory first, then submit.",
  },
  workorder_event_taken: {
    "zh-CN": "这次报警已经收到过了，不会重复计入。",
    en: "Event {event} of device {device} has already been taken in; it is not counted twice.",
  },
  workorder_same_party: {
    "zh-CN": "这张工单已经派给这个单位了。要改派，请选另一个单位。",
    en: "This work order is already with {party}; choose another party to reassign it.",
  },
  workorder_already_paused: {
    "zh-CN": "计时已经暂停了，不用再暂停。居民方便后请点“恢复计时”。",
    en: "The clock is already paused; resume it once the resident can give access.",
  },
  workorder_not_paused: {
    "zh-CN": "计时没有暂停，不需要恢复。",
    en: "The clock of work order {id} is not paused, so there is nothing to resume.",
  },
  workorder_already_checked: {
    "zh-CN": "这张工单已经现场核查过了。",
    en: "Work order {id} has already been checked on site.",
  },
  workorder_check_needed: {
    "zh-CN": "这类问题修好后要先经社区或网格员现场核查，核查通过才能结单。",
    en: "This kind of work must be checked on site by staff or a grid worker before work order {id} can close.",
  },
  workorder_confirm_window: {
    "zh-CN": "还没到自动结单的时间（处理完成后 {days} 天）。",
    en: "It is too early to close this automatically: that happens {days} days after the fix was reported.",
  },
  workorder_reopen_window: {
    "zh-CN": "结单已超过 {days} 天，不能再重开。如果问题又出现了，请重新报事。",
    en: "This work order closed more than {days} days ago and cannot be reopened; report the problem again instead.",
  },
  workorder_already_rated: {
    "zh-CN": "您已经评价过这张工单了，谢谢您的反馈。",
    en: "This work order has already been rated ({level} of 5).",
  },
  workorder_already_escalated: {
    "zh-CN": "这张工单已经上报街道了。",
    en: "Work order {id} has already been escalated to the street office.",
  },
  workorder_member_unchanged: {
    "zh-CN": "这个账户已经是这个单位的人员了，无需更改。",
    en: "This address already works for {party}; nothing to change.",
  },
  workorder_no_party: {
    "zh-CN": "您的账户还没有登记在任何承办单位名下，看不到待办工单。请联系社区办公室登记。",
    en: "Your address is not listed as working for any party, so there is no queue to show; ask the community office to add you.",
  },
  workorder_not_overdue: {
    "zh-CN": "这张工单还没有超时，不能上报街道。",
    en: "Work order {id} is not past its deadline, so it cannot be escalated yet.",
  },
  // issue 14: work-order statistics (helper D)
  workorder_stats_range: {
    "zh-CN": "起始月份（{from}）晚于结束月份（{to}）。请把起始月份改早一些，或把两个月份对调。",
    en: "The first month ({from}) is after the last ({to}). Choose an earlier first month, or swap the two.",
  },
  // issue 14 (B): the routing table the community office edits, and Open311 GeoReport v2
  workorder_category_retired: {
    "zh-CN": "“{code}”这一类已经停用，不再受理新的报事，也不能再修改。请选别的类别；如需要，可以新增一个类别。",
    en: "Category \"{code}\" has been retired: it takes no new reports and cannot be changed. Pick another category, or add a new one.",
  },
  workorder_category_name_needed: {
    "zh-CN": "新增类别“{code}”时，请填写中文名、英文名和分组。",
    en: "A new category \"{code}\" needs its Chinese and English names and a group.",
  },
  workorder_unknown_party: {
    "zh-CN": "没有“{party}”这个承办单位。请从这些单位中选一个：{parties}。",
    en: "There is no party \"{party}\". Choose one of: {parties}.",
  },
  workorder_bad_minutes: {
    "zh-CN": "{field} 填的是 {value} 分钟，不在允许范围内（{min} 到 {max} 分钟）。请改后再保存。",
    en: "{field} is {value} minutes, outside the allowed range ({min} to {max} minutes). Change it and save again.",
  },
  workorder_urgent_longer: {
    "zh-CN": "紧急时限（{urgentMinutes} 分钟）不能比普通时限（{minutes} 分钟）还长。请改短紧急时限或改长普通时限。",
    en: "The urgent deadline ({urgentMinutes} minutes) cannot be longer than the normal one ({minutes} minutes). Shorten the urgent one or lengthen the normal one.",
  },
  workorder_routing_unchanged: {
    "zh-CN": "“{code}”的设置和现在一样，没有需要保存的改动。",
    en: "Category \"{code}\" already has these settings; there is nothing to save.",
  },
  open311_key_missing: {
    "zh-CN": "提交报事需要 api_key。请向社区办公室申请应用密钥，放在请求的 api_key 字段里。",
    en: "Creating a request needs an api_key. Ask the community office for a key for your application and send it as api_key.",
  },
  open311_key_invalid: {
    "zh-CN": "这个 api_key 无效或已被撤销。请向社区办公室申请新的密钥。",
    en: "This api_key is not valid or has been revoked. Ask the community office for a new key.",
  },
  open311_key_revoked: {
    "zh-CN": "这个应用密钥已经撤销过了。",
    en: "Application key {id} has already been revoked.",
  },
  open311_place_needed: {
    "zh-CN": "请用 address_id 说明地点：楼栋（如 e1.b3）、房屋（如 e1.u42）或公共区域（如 e1.a.north-gate）。只有经纬度时无法确定是小区里的哪一处。",
    en: "Give the place as an address_id: a building (e.g. e1.b3), a unit (e.g. e1.u42) or a common area (e.g. e1.a.north-gate). Coordinates alone do not say where in the estate it is.",
  },
  open311_jurisdiction_mismatch: {
    "zh-CN": "jurisdiction_id（{jurisdiction}）和地点所在的小区（{estate}）不一致，请核对后重发。",
    en: "jurisdiction_id ({jurisdiction}) does not match the estate of the place ({estate}); check both and send again.",
  },
  open311_bad_request: {
    "zh-CN": "请求的参数有误：{problems}。请按 Open311 GeoReport v2 的说明修改后重试。",
    en: "The request's arguments are not valid: {problems}. Fix them as Open311 GeoReport v2 describes and try again.",
  },
  open311_date_range: {
    "zh-CN": "start_date 到 end_date 不能超过 90 天，且开始不能晚于结束。请缩小时间范围。",
    en: "start_date to end_date may span at most 90 days, and the start must not be after the end. Narrow the range.",
  },
  open311_xml_unsupported: {
    "zh-CN": "本服务只提供 JSON 格式的 Open311 接口，不提供 XML。请把网址结尾的 .xml 改成 .json。",
    en: "This server speaks Open311 in JSON only, not XML. Change .xml at the end of the address to .json.",
  },
  // issue 14 (helper E): what residents and parties write on a work order, and its photos
  workorder_text_not_kept: {
    "zh-CN": "这台服务器没有开启个人信息保管库，不能保存文字说明。请不填文字再提交，或联系社区办公室。",
    en: "This server keeps no personal-data vault, so it cannot keep a written description. Send it without the text, or contact the community office.",
  },
  workorder_text_twice: {
    "zh-CN": "文字说明只能用 text 字段提交一次，不能同时再附一个承诺值（description 或 note）。请只保留 text。",
    en: "Send what was written once, as text, without a commitment (description or note) beside it. Keep text only.",
  },
  workorder_photo_unknown: {
    "zh-CN": "照片 {hash} 不是您上传的报修照片。请先上传照片（class=workorder-photo），再用它的哈希提交。",
    en: "Photo {hash} is not a work-order photo you uploaded. Upload it first (class=workorder-photo), then send its hash.",
  },
  workorder_photo_not_on_order: {
    "zh-CN": "工单 {id} 里没有照片 {hash}。请从工单页面打开它的照片。",
    en: "Work order {id} has no photo {hash}. Open its photos from the order's page.",
  },
  workorder_text_forbidden: {
    "zh-CN": "工单 {id} 的文字说明和照片只有报事人、承办单位和社区工作者能看。您可以看工单的公开信息。",
    en: "What was written on work order {id}, and its photos, are for its reporters, its responsible party and community staff only. Its public facts are open to you.",
  },
  // issue 14 (helper A): alarms through the intake
  workorder_alarm_category: {
    "zh-CN": "这种设备（{kind}）不能报“{code}”这类问题。可报的类别：{allowed}；不填 serviceCode 就按设备的默认类别上报。",
    en: "A device of kind {kind} cannot report category {code}. It may report: {allowed}; leave serviceCode out to report its default category.",
  },
  // issues 14 and 17: devices and their signed webhook
  device_exists: {
    "zh-CN": "设备编号 {device} 已经登记过了（撤销过的编号也不能再用）。请核对设备上的编号；换了新设备请用新编号登记。",
    en: "Device {device} is already registered (a revoked id is not given again). Check the id on the device; register a new device under its own id.",
  },
  device_revoked: {
    "zh-CN": "设备 {device} 已经撤销，不再接收它的消息，也不能再改。如要继续使用，请以新编号重新登记。",
    en: "Device {device} has been revoked: its events are refused and it cannot be changed. Register it again under a new id to use it.",
  },
  device_secret_missing: {
    "zh-CN": "设备 {device} 的密钥不在服务器上，不能登记。请通过“登记设备”页面或接口登记，由服务器生成密钥。",
    en: "No secret for device {device} is stored on the server; register it through the register route, which makes its secret.",
  },
  device_headers_missing: {
    "zh-CN": "设备消息缺少或写错了签名头：{headers}。请按《设备接入说明》（docs/devices.md）设置后重发。",
    en: "The device request lacks or garbles these headers: {headers}. Set them as docs/devices.md says and send it again.",
  },
  device_unknown: {
    "zh-CN": "没有登记编号为 {device} 的设备（或它没有有效密钥）。请先由社区办公室登记设备，再发消息。",
    en: "No device {device} is registered (or it has no secret in force). Ask the community office to register it first.",
  },
  device_signature_invalid: {
    "zh-CN": "设备 {device} 的签名不对。请确认设备上配置的是最近一次登记或换密钥时给出的密钥，并且签的是原样发送的请求体。",
    en: "The signature of device {device} does not match. Check that the device holds the secret from its latest registration or rotation, and signs the body bytes exactly as sent.",
  },
  device_timestamp_outside_window: {
    "zh-CN": "设备 {device} 的时间戳与服务器时间相差太多（超出 {window} 秒的允许范围 {seconds} 秒）。请校准设备时钟后重发。",
    en: "The timestamp of device {device} is {seconds} s outside the {window} s window around the server's clock ({now}). Set the device's clock and send it again.",
  },
  device_wrong_kind: {
    "zh-CN": "这种设备（{kind}）的消息不能发到这个地址。请发到该类设备对应的地址。",
    en: "A device of kind {kind} cannot send events to {path}; send them to the address for its kind.",
  },
  device_event_invalid: {
    "zh-CN": "设备消息须是 JSON 对象，并带有事件编号 eventId（1 到 100 个可见字符）。请修改后重发。",
    en: "A device event must be a JSON object with an eventId (1 to 100 printable characters); problem: {reason}. Fix it and send it again.",
  },
  internal: {
    "zh-CN": "服务器内部错误，已记录。请稍后重试。",
    en: "Something went wrong on the server; it has been logged. Please try again later.",
  },
  // issue 13: staff acting for residents
  directory_bad_name_query: {
    "zh-CN": "请输入要查找的姓名（至少一个字）。",
    en: "Type the name to look for (at least one letter).",
  },
  // issue 18: the relayer tells a ballot's owner what became of a ballot that was not counted
  ballot_skipped_vote_closed: {
    "zh-CN": "表决 {voteId} 在这张选票送上区块链之前已经截止，这张选票没有计入。表决结果请在表决页面查看；如有疑问，请联系业委会或社区办公室。",
    en: "Vote {voteId} closed before this ballot could be sent on chain, so it was not counted. See the result on the vote's page; with any question, ask the owners' committee or the community office.",
  },
  ballot_skipped: {
    "zh-CN": "这张选票没有计入（原因：{reason}）。如果表决仍在进行，请业主本人重新签名提交；如有疑问，请联系社区办公室。",
    en: "This ballot was not counted (reason: {reason}). If the vote is still open, the holder may sign and send a new ballot; with any question, ask the community office.",
  },
  // issue 15: dispute mediation (services/mediation)
  mediation_wrong_status: {
    "zh-CN": "调解案件 {id} 现在不能做这一步（当前：{status}，需要：{allowed}）。请刷新页面，看看它的最新进展。",
    en: "Dispute {id} is {status} and this step needs it to be {allowed}. Reload the page to see where it stands.",
  },
  mediation_not_party: {
    "zh-CN": "您不是这起纠纷的当事人（{person}），不能以当事人身份申请或重新打开。请由当事人本人办理，或由工作人员凭授权代办。",
    en: "You do not stand for party {person} of this dispute. The party may do it themself, or staff for them under an authorisation.",
  },
  mediation_self: {
    "zh-CN": "被申请人不能是申请人自己（{person}）。请选择纠纷的另一方：另一位居民，或对方的房屋。",
    en: "The other side cannot be the claimant ({person}). Choose the other side: another resident, or their flat.",
  },
  mediation_not_respondent: {
    "zh-CN": "只有被申请的一方（或工作人员凭授权代办）才能答复调解案件 {id}。",
    en: "Only the other side of dispute {id} (or staff for them under an authorisation) can answer it.",
  },
  mediation_already_answered: {
    "zh-CN": "调解案件 {id} 已经答复过了，不能再次答复。如需补充，请联系调解员。",
    en: "Dispute {id} has already been answered. To add something, tell the mediator.",
  },
  mediation_answer_not_due: {
    "zh-CN": "调解案件 {id} 的答复期限还没到（{due}），不能因未答复而上报。",
    en: "The other side of dispute {id} still has until {due} to answer; it cannot go up for silence before then.",
  },
  mediation_not_mediator: {
    "zh-CN": "只有本案的调解员或社区调解办公室才能做这一步（案件 {id}）。",
    en: "Only the mediator of dispute {id} or the mediation office can do this.",
  },
  mediation_no_candidate: {
    "zh-CN": "调解案件 {id} 没有可推荐的调解员：名单上的人都与当事人有利害关系，或名单是空的。请在名录中增加人民调解员，或从能人库中指定，并写明理由。",
    en: "No mediator can be proposed for dispute {id}: everyone listed has a conflict of interest, or nobody is listed. Add a people's mediator in the directory, or name one from the talent pool with a reason.",
  },
  mediation_unknown_mediator: {
    "zh-CN": "{person} 不在人民调解员或能人库名单上。请从推荐名单中选择。",
    en: "{person} is neither a people's mediator nor in the talent pool. Choose from the proposal's list.",
  },
  mediation_conflict_of_interest: {
    "zh-CN": "{person} 与本案有利害关系（{conflict}），不能参与调解。请另选一位。",
    en: "{person} has a conflict of interest in this dispute ({conflict}) and cannot take part. Choose someone else.",
  },
  mediation_override_reason: {
    "zh-CN": "您选的调解员 {person} 不是系统推荐的人选（{proposed}），请选择改派理由后再提交。",
    en: "{person} is not the proposed mediator ({proposed}); give the reason for choosing someone else, then submit.",
  },
  mediation_same_mediator: {
    "zh-CN": "{person} 已经是本案的调解员。",
    en: "{person} already mediates this dispute.",
  },
  mediation_already_invited: {
    "zh-CN": "{person} 已经以“{role}”身份加入本案。",
    en: "{person} has already joined this dispute as {role}.",
  },
  mediation_no_mediator: {
    "zh-CN": "调解案件 {id} 还没有调解员。请社区调解办公室先指派调解员。",
    en: "Dispute {id} has no mediator yet. The mediation office must assign one first.",
  },
  mediation_session_in_past: {
    "zh-CN": "调解会的时间（{at}）已经过去了，请选一个以后的时间。",
    en: "The session's time ({at}) is in the past; choose a time to come.",
  },
  mediation_time_limit_passed: {
    "zh-CN": "调解案件 {id} 已过调解期限（{dueAt}）。请先延长期限并写明理由，或结案。",
    en: "Dispute {id} is past its time limit ({dueAt}). Extend the limit with a reason first, or close the case.",
  },
  mediation_unknown_session: {
    "zh-CN": "本案没有第 {session} 次调解会。请先安排调解会。",
    en: "This dispute has no session {session}. Schedule it first.",
  },
  mediation_session_recorded: {
    "zh-CN": "第 {session} 次调解会已经记录过了。",
    en: "Session {session} has already been recorded.",
  },
  mediation_session_not_yet: {
    "zh-CN": "第 {session} 次调解会安排在 {at}，还没到时间，不能记为已召开。",
    en: "Session {session} is scheduled for {at}; it cannot be recorded as held before then.",
  },
  mediation_unknown_attendee: {
    "zh-CN": "{person} 不是本案的当事人、调解员或受邀参与人，不能记为出席。请先邀请其参与。",
    en: "{person} is not a party, the mediator or an invited participant of this dispute; invite them first.",
  },
  mediation_agreement_unsigned: {
    "zh-CN": "调解协议须由双方当事人签名，缺少：{missing}。请双方签名后再上传登记。",
    en: "The agreement must be signed by both parties; missing: {missing}. Have both sign it, then record it.",
  },
  mediation_unknown_signatory: {
    "zh-CN": "{person} 不是本案当事人，不能作为协议的签名方。",
    en: "{person} is not a party of this dispute and cannot be a signatory of its agreement.",
  },
  mediation_document_unknown: {
    "zh-CN": "文件 {hash} 不是您上传的调解协议。请先上传协议扫描件（class=mediation-agreement），再用它的哈希登记。",
    en: "Document {hash} is not a mediation agreement you uploaded. Upload the signed agreement first (class=mediation-agreement), then send its hash.",
  },
  mediation_agreement_confirmed: {
    "zh-CN": "调解案件 {id} 的协议已申请或已获司法确认，不能再更换。",
    en: "The agreement of dispute {id} has been sent for or given judicial confirmation; it cannot be replaced.",
  },
  mediation_no_agreement: {
    "zh-CN": "调解案件 {id} 还没有登记调解协议。请先登记双方签名的协议。",
    en: "Dispute {id} has no recorded agreement. Record the agreement both parties signed first.",
  },
  mediation_confirmation_already: {
    "zh-CN": "调解案件 {id} 的司法确认已经记录（{confirmation}）。",
    en: "Judicial confirmation of dispute {id} is already recorded ({confirmation}).",
  },
  mediation_confirmation_expired: {
    "zh-CN": "申请司法确认的期限（协议生效后 30 日，{dueAt}）已过。双方仍可就协议的履行向人民法院起诉。",
    en: "The time to apply for judicial confirmation (30 days from the agreement, {dueAt}) has passed. The parties may still go to court over the agreement.",
  },
  mediation_confirmation_not_applied: {
    "zh-CN": "调解案件 {id} 还没有申请司法确认（当前：{confirmation}），不能登记法院的决定。",
    en: "Judicial confirmation of dispute {id} has not been applied for ({confirmation}); record the application first.",
  },
  mediation_terms_needed: {
    "zh-CN": "以“{outcome}”结案时，请写明达成的协议条款（隐去姓名和门牌）。",
    en: "To close as {outcome}, write the agreed terms (without names or flat numbers).",
  },
  mediation_not_claimant: {
    "zh-CN": "只有申请人本人（或工作人员凭授权代办）才能撤回调解案件 {id}。",
    en: "Only the claimant of dispute {id} (or staff for them under an authorisation) can withdraw it.",
  },
  mediation_no_follow_up: {
    "zh-CN": "调解案件 {id} 没有达成协议，不需要回访。",
    en: "Dispute {id} closed without an agreement: no follow-up visit is due.",
  },
  mediation_followed_up: {
    "zh-CN": "调解案件 {id} 的回访已经记录过了。",
    en: "The follow-up visit of dispute {id} is already recorded.",
  },
  mediation_follow_up_not_due: {
    "zh-CN": "调解案件 {id} 的回访时间还没到（{due}）。请到时再回访。",
    en: "The follow-up visit of dispute {id} is due from {due}; record it then.",
  },
  mediation_reopen_court: {
    "zh-CN": "调解案件 {id} 已移送法院，不能在社区重新打开。请关注法院的处理。",
    en: "Dispute {id} was referred to the court and cannot be reopened here; follow it at the court.",
  },
  mediation_reopen_confirmed: {
    "zh-CN": "调解案件 {id} 的协议已获司法确认。对方不履行的，可以向人民法院申请强制执行，不能重新调解。",
    en: "The agreement of dispute {id} was confirmed by the court. If it is not kept, apply to the court for enforcement; it cannot be mediated again.",
  },
  mediation_reopen_window: {
    "zh-CN": "调解案件 {id} 结案已超过 {days} 天，不能重新打开。如有新的纠纷，请重新申请调解。",
    en: "Dispute {id} closed more than {days} days ago and cannot be reopened. File a new dispute if needed.",
  },
  mediation_text_not_kept: {
    "zh-CN": "这台服务器没有保存文字所需的个人信息库，文字无法提交。请联系管理员。",
    en: "This server has no personal-data vault to keep texts in, so the text cannot be taken. Ask the administrator.",
  },
  mediation_not_yours: {
    "zh-CN": "您不是调解案件 {id} 的当事人、调解员或参与人，不能查看。",
    en: "You are not a party, the mediator or a participant of dispute {id}, so you cannot see it.",
  },
  mediation_stats_range: {
    "zh-CN": "起始月份 {from} 晚于结束月份 {to}，请调换后重试。",
    en: "The first month {from} is after the last month {to}; swap them and try again.",
  },
  mediation_similar_forbidden: {
    "zh-CN": "只有本案的调解员和社区调解办公室才能查看相似案例。",
    en: "Only the dispute's mediator and the mediation office can see similar cases.",
  },
  mediation_perform_by_past: {
    "zh-CN": "协议约定的履行期限已经过去了，请填写协议书上写明的、今天或以后的履行期限。",
    en: "The agreement's deadline to perform its terms has already passed; enter the deadline written in the agreement, today or later.",
  },
  // --- talent pool and suggestions (issue 15: services/talent, services/suggestions) ---
  suggestion_wrong_status: {
    "zh-CN": "这条建议现在是“{status}”，这一步需要它处于“{allowed}”。请刷新页面，看看它的最新进展。",
    en: "This suggestion is {status} and this step needs it to be {allowed}. Reload the page to see where it stands.",
  },
  suggestion_already_answered: {
    "zh-CN": "建议 {id} 已经答复过（现在是“{status}”），每条建议只答复一次。如需采纳或不采纳，请在答复台选择相应操作。",
    en: "Suggestion {id} has already been answered (it is {status}); each suggestion is answered once. To adopt or decline it, use those steps on the answering desk.",
  },
  suggestion_not_overdue: {
    "zh-CN": "建议 {id} 的答复期限（{answerBy}）还没有到，不能标为逾期。",
    en: "Suggestion {id} is not past its answer deadline ({answerBy}) yet, so it cannot be marked overdue.",
  },
  suggestion_open_day_needed: {
    "zh-CN": "在开放日记录的建议要写明是哪一次开放日（openDay）。请先选择开放日。",
    en: "A suggestion written down at an open day must name the open day (openDay). Choose the open day first.",
  },
  suggestion_unknown_open_day: {
    "zh-CN": "没有找到开放日 {openDay}。请先在开放日页面安排这次开放日，或选择已有的一次。",
    en: "There is no open day {openDay}. Schedule it on the open days page first, or choose an existing one.",
  },
  suggestion_open_day_no_proxy: {
    "zh-CN": "开放日现场的建议由工作人员以自己的身份记录（可填写提出人的人员编号），不需要代办授权。请去掉 onBehalfOf 和 authorisation 后重试。",
    en: "At an open day staff write suggestions down as themselves (naming the author's person id if known), not under an authorisation. Remove onBehalfOf and authorisation and try again.",
  },
  suggestion_online_fields: {
    "zh-CN": "网上提交的建议不能填写 {field}（只有开放日现场记录时才填）。请去掉它，或把渠道改为开放日。",
    en: "An online suggestion cannot carry {field} (only one written down at an open day can). Remove it, or set the channel to openDay.",
  },
  suggestion_text_not_kept: {
    "zh-CN": "这台服务器没有配置个人信息保管库，无法保存建议的文字。请联系管理员配置后再提交。",
    en: "This server keeps no personal-data vault, so it cannot keep the suggestion's text. Ask the administrator to configure one, then send it again.",
  },
  suggestion_bad_done_date: {
    "zh-CN": "完成日期 {doneOn} 不在可能的范围内：应在收到建议（{from}）之后、今天（{to}）之前。请改正日期后重试。",
    en: "The completion date {doneOn} is out of range: it must be after the suggestion was received ({from}) and not after now ({to}). Correct the date and try again.",
  },
  suggestion_not_author: {
    "zh-CN": "只有建议 {id} 的提出人（或受其委托的工作人员）才能更改是否显示姓名。",
    en: "Only the author of suggestion {id} (or staff acting for them under an authorisation) can change whether their name is shown.",
  },
  suggestion_name_not_shown: {
    "zh-CN": "建议 {id} 本来就没有显示姓名，无需隐藏。",
    en: "Suggestion {id} does not show a name; there is nothing to hide.",
  },
  openday_count_below_registered: {
    "zh-CN": "到场人数 {count} 少于已登记的参加者 {registered} 人。请核对人数后重试。",
    en: "The head count {count} is below the {registered} registered attendees. Check the count and try again.",
  },
  openday_already_registered: {
    "zh-CN": "已经登记参加开放日 {id}，不必重复登记。",
    en: "Already registered for open day {id}; there is no need to register again.",
  },
  talent_consent_required: {
    "zh-CN": "加入能人库需要明确同意社区联系您（consent: true）。请勾选同意后重试。",
    en: "Joining the talent pool needs your explicit consent to be contacted (consent: true). Tick the consent and try again.",
  },
  talent_not_you: {
    "zh-CN": "您的账户没有关联人员 {person}，不能为其登记或修改。工作人员代办时请使用代办授权（onBehalfOf、authorisation）。",
    en: "Your account is not linked to person {person}, so you cannot register or change their offer. Staff acting for a resident send onBehalfOf and authorisation.",
  },
  talent_already_registered: {
    "zh-CN": "人员 {person} 已在能人库中。请改用“修改”更新所能提供的帮助。",
    en: "Person {person} is already in the talent pool. Use “update” to change what they offer.",
  },
  talent_consent_state: {
    "zh-CN": "人员 {person} 的联系同意现在已是“{consent}”，无需再改。",
    en: "Person {person}'s consent to be contacted is already {consent}; nothing to change.",
  },
  talent_not_in_pool: {
    "zh-CN": "人员 {person} 不在能人库中。只能邀请已登记的能人。",
    en: "Person {person} is not in the talent pool. Only registered members can be invited.",
  },
  talent_no_consent: {
    "zh-CN": "人员 {person} 已撤回联系同意，不能邀请。请另选他人。",
    en: "Person {person} has withdrawn their consent to be contacted and cannot be invited. Choose someone else.",
  },
  talent_invitation_wrong_status: {
    "zh-CN": "邀请 {id} 已经是“{status}”，不能再接受或谢绝。",
    en: "Invitation {id} is already {status}; it can no longer be accepted or declined.",
  },
  talent_not_invitee: {
    "zh-CN": "邀请 {id} 不是发给您的，只有被邀请人（或受其委托的工作人员）才能答复。",
    en: "Invitation {id} is not addressed to you; only the person invited (or staff acting for them under an authorisation) can answer it.",
  },
  // --- end talent pool and suggestions ---
  // --- satisfaction surveys (issue 16) ---
  survey_bad_schedule: {
    "zh-CN": "调查的截止时间（{closesAt}）必须晚于开始时间（{opensAt}）。请改正时间后重试。",
    en: "A survey must close ({closesAt}) after it opens ({opensAt}). Correct the dates and try again.",
  },
  survey_duplicate_dimension: {
    "zh-CN": "维度“{dimension}”出现了两次。每个维度只列一次，再提交。",
    en: "Dimension {dimension} is listed twice. List each dimension once and send again.",
  },
  survey_unknown_question: {
    "zh-CN": "维度“{dimension}”下没有问题“{question}”。可选的问题有：{known}。",
    en: "Dimension {dimension} has no question {question}. Its questions are: {known}.",
  },
  survey_closed: {
    "zh-CN": "调查 {id} 已经结束，不能再改动。结果请看满意度指数页面。",
    en: "Survey {id} has closed and can no longer change. See its results on the satisfaction index page.",
  },
  survey_bad_answers: {
    "zh-CN": "答卷与问卷不符（{problem}）。每个问题选一项（1 非常不满意 到 5 非常满意），按顺序全部作答后再提交。",
    en: "The answers do not fit the survey ({problem}). Answer every question, in order, with one level from 1 (very dissatisfied) to 5 (very satisfied).",
  },
  survey_already_answered: {
    "zh-CN": "您家（房屋 {unitId}）已经答过这份调查（{channel}），每户只答一次。谢谢参与！",
    en: "Your household (unit {unitId}) has already answered this survey ({channel}); each household answers once. Thank you!",
  },
  survey_not_open: {
    "zh-CN": "这份调查现在不接受答卷（开放时间 {opensAt} 至 {closesAt}）。请在开放期间再来。",
    en: "This survey is not taking answers now (open from {opensAt} to {closesAt}). Come back while it is open.",
  },
  survey_not_household: {
    "zh-CN": "没有找到您在小区 {estateId} 的住户（房屋 {unitId}）。答卷要由本户居民提交；如未登记，请到社区办公室登记，或由工作人员代录纸质问卷。",
    en: "No household of yours was found in estate {estateId} (unit {unitId}). A household's resident answers; if you are not registered, ask the community office, or have staff enter a paper form for you.",
  },
  survey_task_exists: {
    "zh-CN": "这份调查的“{dimension}”维度已经有整改任务了。请在任务列表里跟进它。",
    en: "An improvement task for {dimension} of this survey already exists. Follow it in the task list.",
  },
  survey_task_done: {
    "zh-CN": "这个整改任务已经完成，不能再改。下一季度的调查会再次测评。",
    en: "This improvement task is done and can no longer change; the next quarter's survey measures it again.",
  },
  survey_task_not_linked: {
    "zh-CN": "请先把整改任务关联到一张工单或一个微更新项目，再标记完成。",
    en: "Link the improvement task to a work order or a micro-renewal proposal first, then mark it done.",
  },
  survey_task_link_open: {
    "zh-CN": "关联的{kind} {ref} 还没有办结。等它办结后再标记整改完成。",
    en: "The linked {kind} {ref} is not closed yet. Mark the task done once it is.",
  },
  survey_task_unknown_link: {
    "zh-CN": "没有找到{kind} {ref}。请核对编号后重试。",
    en: "There is no {kind} {ref}. Check the id and try again.",
  },
  survey_box_ids: {
    "zh-CN": "这批放出的 {ballots} 张答卷只有 {ids} 个不同的票箱编号，或其中有已经放出过的编号：这批没有计入。服务器会在下次启动时重新整理票箱。",
    en: "This release of {ballots} ballots names {ids} distinct box ids, or ids already released: it was not counted. The server sorts the box out at its next start.",
  },
  // --- end satisfaction surveys ---
  // --- community partners (issue 16: services/partners) ---
  partner_wrong_status: {
    "zh-CN": "合伙人 {id} 现在的状态是“{status}”，此操作只适用于“{allowed}”。",
    en: "Partner {id} is {status}; this can only be done while it is {allowed}.",
  },
  partner_not_yours: {
    "zh-CN": "您登录的账户不是合伙人 {id} 的账户。请用该合伙人登记的账户登录，或请社区办公室代办。",
    en: "The account you signed in with is not partner {id}'s account. Sign in with the account the partner registered, or ask the community office.",
  },
  partner_contact_not_kept: {
    "zh-CN": "本服务器没有个人信息保管库，无法保存联系人姓名和电话，因此没有登记。请联系管理员配置保管库。",
    en: "This server keeps no personal-data vault, so the contact person's name and phone cannot be kept and nothing was registered. Ask the administrator to configure the vault.",
  },
  partner_contact_forbidden: {
    "zh-CN": "只有社区办公室和合伙人 {id} 本身可以查看其联系人。",
    en: "Only the community office and partner {id} itself may read its contact person.",
  },
  partner_apply_own_account: {
    "zh-CN": "合伙人只能用自己的账户申请登记。工作人员代为登记请使用“登记合伙人”。",
    en: "A partner applies with its own account. Staff registering a partner use “register” instead.",
  },
  partner_account_taken: {
    "zh-CN": "账户 {account} 已是合伙人 {partner} 的账户。每个账户只能对应一个合伙人；请换一个账户。",
    en: "Account {account} is already partner {partner}'s account. An account belongs to one partner only; use another account.",
  },
  partner_not_onchain: {
    "zh-CN": "地址 {address} 不是时间银行链上登记的合伙商户。请先在时间银行登记该商户，再关联。",
    en: "Address {address} is not a partner of the time bank on chain. Register it as a time-bank partner first, then link it.",
  },
  partner_timebank_taken: {
    "zh-CN": "时间银行合伙地址 {address} 已关联到合伙人 {partner}。",
    en: "Time-bank partner address {address} is already linked to partner {partner}.",
  },
  partner_unknown_offer: {
    "zh-CN": "合伙人 {id} 没有服务项目 {offerId}。请从其页面上的项目中选择。",
    en: "Partner {id} has no offer {offerId}. Choose one of the offers on its page.",
  },
  partner_offer_withdrawn: {
    "zh-CN": "合伙人 {id} 的服务项目 {offerId} 已撤下，不能再预约或使用。",
    en: "Partner {id}'s offer {offerId} has been withdrawn and can no longer be booked or used.",
  },
  partner_offer_needs_hours: {
    "zh-CN": "场地“{title}”需要填写开放时间，居民才能预约。请至少添加一个时段。",
    en: "The space “{title}” needs opening times so that residents can book it. Add at least one slot.",
  },
  partner_offer_needs_discount: {
    "zh-CN": "优惠“{title}”需要填写折扣比例（1–100%）。",
    en: "The discount “{title}” needs its percentage (1–100 %).",
  },
  partner_offer_not_space: {
    "zh-CN": "服务项目 {offerId} 是“{kind}”，不是场地，不能预约时段。",
    en: "Offer {offerId} is {kind}, not a space; it has no slots to book.",
  },
  partner_booking_past: {
    "zh-CN": "预约开始时间 {start} 已经过去（现在是 {now}）。请选择以后的时段。",
    en: "The booking would start at {start}, which has passed (it is now {now}). Choose a later slot.",
  },
  partner_booking_too_far: {
    "zh-CN": "最多只能预约 {days} 天以内的时段。",
    en: "Slots can be booked at most {days} days ahead.",
  },
  partner_booking_outside_hours: {
    "zh-CN": "{date} {from}–{to} 不在开放时间内。当天的开放时间：{opening}。请选择开放时间内的时段。",
    en: "{date} {from}–{to} is outside the opening times. Opening times that day: {opening}. Choose a slot within them.",
  },
  partner_booking_over_capacity: {
    "zh-CN": "{people} 人超过场地容量 {capacity} 人。请减少人数或另选场地。",
    en: "{people} people exceed the space's capacity of {capacity}. Book for fewer people or choose another space.",
  },
  partner_booking_overlap: {
    "zh-CN": "该时段与已有预约 {bookingId}（{date} {from}–{to}）重叠。请另选时段。",
    en: "The slot overlaps booking {bookingId} ({date} {from}–{to}). Choose another slot.",
  },
  partner_booking_not_active: {
    "zh-CN": "预约 {bookingId} 不存在、已取消或已结束，无法取消。",
    en: "Booking {bookingId} does not exist, was cancelled or has ended; it cannot be cancelled.",
  },
  partner_booking_not_yours: {
    "zh-CN": "预约 {bookingId} 不是您的。只有预约人、合伙人或社区办公室可以取消。",
    en: "Booking {bookingId} is not yours. Only the person who booked, the partner or the community office can cancel it.",
  },
  partner_given_space: {
    "zh-CN": "服务项目 {offerId} 是场地，场地的使用按预约记录，无需登记赠送。",
    en: "Offer {offerId} is a space: its use is recorded by its bookings, not as goods given.",
  },
  partner_given_future: {
    "zh-CN": "日期 {on} 晚于现在（{now}）。只能登记已经提供的物品或服务。",
    en: "The date {on} is later than now ({now}). Record only goods or services already given.",
  },
  // --- end community partners ---
  // --- micro-renewal fund (issue 16: services/renewal) ---
  renewal_wrong_status: {
    "zh-CN": "微更新项目 {id} 目前为“{status}”，这一步需要它处于“{allowed}”。请刷新页面查看项目进展。",
    en: "Micro-renewal project {id} is {status} and this step needs it to be {allowed}. Reload the page to see where it stands.",
  },
  renewal_text_not_kept: {
    "zh-CN": "本服务器未配置个人数据保险库，无法保存项目说明或理由。请联系管理员配置后重试。",
    en: "This server keeps no personal-data vault, so it cannot keep the project's description or reason. Ask the administrator to configure one, then try again.",
  },
  renewal_optimum_below_minimum: {
    "zh-CN": "理想预算 {optimumFen} 分低于最低预算 {minimumFen} 分。理想预算须不低于最低预算，请改正后重试。",
    en: "The optimum budget {optimumFen} fen is below the minimum budget {minimumFen} fen. The optimum must be at least the minimum; correct them and try again.",
  },
  renewal_document_unknown: {
    "zh-CN": "文件 {hash} 不是您上传的微更新项目材料。请先上传（class=renewal），再用它的哈希提交。",
    en: "Document {hash} is not a micro-renewal document you uploaded. Upload it first (class=renewal), then send its hash.",
  },
  renewal_already_supported: {
    "zh-CN": "您已支持过项目 {id}，每位居民只能支持一次。",
    en: "You already support project {id}; each resident supports a project once.",
  },
  renewal_vote_not_needed: {
    "zh-CN": "项目 {id} 的理想预算 {optimumFen} 分未超过 {voteAboveFen} 分，无需业主表决，可直接开启筹款。",
    en: "Project {id} has an optimum budget of {optimumFen} fen, not above {voteAboveFen} fen: it needs no owners' vote. Open its funding directly.",
  },
  renewal_unknown_vote: {
    "zh-CN": "找不到表决 {voteId}（区块链索引中没有）。请核对表决编号，或等索引同步后再试。",
    en: "Vote {voteId} is not found (the chain's index does not show it). Check the vote's number, or wait for the index to catch up and try again.",
  },
  renewal_vote_other_estate: {
    "zh-CN": "表决 {voteId} 属于小区 {voteEstate}，而项目属于小区 {estateId}。请关联本小区的表决。",
    en: "Vote {voteId} is estate {voteEstate}'s, but the project is estate {estateId}'s. Link a vote of the project's estate.",
  },
  renewal_needs_support: {
    "zh-CN": "项目 {id} 目前有 {supports} 位居民支持，开启筹款需要至少 {needed} 位。请待更多居民支持后再开启。",
    en: "Project {id} has {supports} residents' support; funding opens with at least {needed}. Wait for more residents to support it, then open funding.",
  },
  renewal_bad_deadline: {
    "zh-CN": "截止时间 {deadline} 不在允许范围内：须晚于现在（{from}），且不晚于 {to}。请改正后重试。",
    en: "The deadline {deadline} is out of range: it must be after now ({from}) and not after {to}. Correct it and try again.",
  },
  renewal_vote_needed: {
    "zh-CN": "项目 {id} 的理想预算 {optimumFen} 分超过 {voteAboveFen} 分，须先经业主表决。请先关联已发起的表决。",
    en: "Project {id} has an optimum budget of {optimumFen} fen, above {voteAboveFen} fen: it must go to an owners' vote first. Link the vote, then open funding once it has passed.",
  },
  renewal_vote_not_passed: {
    "zh-CN": "表决 {voteId} 的结果为“{outcome}”，尚未通过，不能开启筹款。请待表决通过并计票完成后再试。",
    en: "Vote {voteId} stands at {outcome}, not passed: funding cannot open. Try again once the vote has passed and been finalized.",
  },
  renewal_deadline_passed: {
    "zh-CN": "项目 {id} 的筹款已于 {deadline} 截止，不能再认捐或撤回。",
    en: "Funding of project {id} closed at its deadline ({deadline}); pledges can no longer be made or withdrawn.",
  },
  renewal_partner_no_proxy: {
    "zh-CN": "合伙人的认捐由合伙人成员或工作人员本人提交，不能以居民委托方式代办。请去掉 onBehalfOf 和 authorisation 后重试。",
    en: "A partner's pledge is made by the partner's member or by staff as themselves, not under a resident's authorisation. Remove onBehalfOf and authorisation and try again.",
  },
  renewal_unknown_partner: {
    "zh-CN": "找不到合伙人 {partnerId}。请核对合伙人编号，或先在社区合伙人中登记。",
    en: "Partner {partnerId} is not found. Check the partner's id, or register the partner first.",
  },
  renewal_not_partner_member: {
    "zh-CN": "您不是合伙人 {partnerId} 的成员，不能以其名义认捐。请由该合伙人的成员或工作人员提交。",
    en: "You are not a member of partner {partnerId}, so you cannot pledge in its name. Ask one of its members, or staff, to pledge.",
  },
  renewal_over_optimum: {
    "zh-CN": "认捐 {amountFen} 分（连同配捐）将超过理想预算 {optimumFen} 分；目前已筹 {raisedFen} 分（含配捐）。请减少金额后重试。",
    en: "A pledge of {amountFen} fen (with its match) would take the project past its optimum budget of {optimumFen} fen; {raisedFen} fen is raised so far, match included. Pledge less and try again.",
  },
  renewal_unknown_pledge: {
    "zh-CN": "项目 {id} 没有可撤回的第 {pledge} 笔认捐（不存在或已退回）。请刷新页面查看您的认捐。",
    en: "Project {id} has no pledge {pledge} to withdraw (there is none, or it was already given back). Reload the page to see your pledges.",
  },
  renewal_not_pledger: {
    "zh-CN": "项目 {id} 的第 {pledge} 笔认捐不是您的，只有认捐人（或受其委托的工作人员）才能撤回；合伙人的认捐由工作人员撤回。",
    en: "Pledge {pledge} of project {id} is not yours: only its pledger (or staff acting for them under an authorisation) can withdraw it; a partner's pledge is withdrawn by staff.",
  },
  renewal_not_due: {
    "zh-CN": "项目 {id} 的筹款截止时间 {deadline} 未到，尚不能结算。",
    en: "Project {id}'s funding deadline ({deadline}) has not come yet; it cannot be closed before then.",
  },
  renewal_unknown_milestone: {
    "zh-CN": "项目 {id} 没有第 {milestone} 个节点（共 {count} 个）。请先添加节点，或核对编号。",
    en: "Project {id} has no milestone {milestone} (it has {count}). Add the milestone first, or check its number.",
  },
  renewal_milestone_accepted: {
    "zh-CN": "项目 {id} 的第 {milestone} 个节点已验收，不能再更改进度。",
    en: "Milestone {milestone} of project {id} is already accepted; its progress can no longer change.",
  },
  renewal_milestone_not_ready: {
    "zh-CN": "第 {milestone} 个节点进度为 {percent}%，证明材料 {evidence} 份；验收需要进度 100% 且至少一份证明材料。请先报告进度并上传材料。",
    en: "Milestone {milestone} is {percent}% complete with {evidence} pieces of evidence; acceptance needs 100% and at least one piece. Report its progress with evidence first.",
  },
  renewal_overspend: {
    "zh-CN": "支出 {amountFen} 分超过账上余额 {remainingFen} 分，不能超支。请按余额调整金额。",
    en: "A payment of {amountFen} fen is more than the {remainingFen} fen the ledger holds; the fund cannot overspend. Pay at most what remains.",
  },
  renewal_milestones_open: {
    "zh-CN": "项目 {id} 共 {count} 个节点，仍有 {open} 个未验收（至少需要一个节点）。请全部验收后再确认完工。",
    en: "Project {id} has {count} milestones, {open} of them not accepted (it needs at least one). Accept every milestone, then complete the project.",
  },
  // --- end micro-renewal fund ---
  // --- the pet three-colour code (issue 17: services/pets) ---
  pet_not_your_household: {
    "zh-CN": "房屋 {unitId} 不是您（或您代办的居民）的住户，不能为它登记宠物。请选择自己的房屋，或请社区办公室核实房屋信息。",
    en: "Flat {unitId} is not your household (or that of the resident you act for), so no pet can be registered for it. Choose your own flat, or ask the community office to check your flat's details.",
  },
  pet_text_not_kept: {
    "zh-CN": "本服务器没有个人信息保管库，无法保存宠物名字、犬证号、地点或申诉理由，因此没有登记。请联系管理员配置保管库。",
    en: "This server keeps no personal-data vault, so the pet's name, licence number, a place or an appeal's reason cannot be kept and nothing was recorded. Ask the administrator to configure the vault.",
  },
  pet_document_unknown: {
    "zh-CN": "文件 {hash} 不是您上传的{class}类文件。请先上传照片或疫苗证明（class={class}），再用它的哈希提交。",
    en: "Document {hash} is not a {class} document you uploaded. Upload the photo or vaccination certificate first (class={class}), then send its hash.",
  },
  pet_unknown_collar: {
    "zh-CN": "没有找到编号为 {id} 的宠物牌。请重新扫描项圈上的二维码，或联系社区办公室。",
    en: "There is no collar tag {id}. Scan the collar's QR code again, or contact the community office.",
  },
  pet_consent_required: {
    "zh-CN": "照片和地点属于敏感个人信息，需要您单独同意（《个人信息保护法》第二十八、二十九条）。请勾选单独同意（涉及：{fields}），或不附照片和地点再举报。",
    en: "Photos and places are sensitive personal data and need your separate consent (PIPL art. 28/29). Tick the separate consent (for: {fields}), or report without the photo and place.",
  },
  pet_report_own: {
    "zh-CN": "宠物 {id} 是您家登记的宠物，不能举报自己的宠物。",
    en: "Pet {id} is registered by your own household; you cannot report your own pet.",
  },
  pet_unknown_report: {
    "zh-CN": "宠物 {id} 没有编号为 {reportId} 的举报。请刷新页面后重试。",
    en: "Pet {id} has no report {reportId}. Reload the page and try again.",
  },
  pet_report_decided: {
    "zh-CN": "举报 {reportId} 已经处理过（{status}），不会重复扣分。",
    en: "Report {reportId} has already been decided ({status}); points are never deducted twice.",
  },
  pet_not_owner: {
    "zh-CN": "只有宠物 {id} 的登记住户（或受其书面授权的社区工作者）可以申诉或更新疫苗证明。",
    en: "Only the household that registered pet {id} (or staff on its written authorisation) may appeal or renew its vaccination.",
  },
  pet_appeal_not_confirmed: {
    "zh-CN": "举报 {reportId} 现在是“{status}”，只能对已核实扣分的举报申诉。",
    en: "Report {reportId} is {status}; only a confirmed report (with points deducted) can be appealed.",
  },
  pet_appeal_exists: {
    "zh-CN": "举报 {reportId} 已经申诉过，每条举报只能申诉一次。请等待社区办公室决定。",
    en: "Report {reportId} has already been appealed; each report can be appealed once. Wait for the office's decision.",
  },
  pet_no_appeal: {
    "zh-CN": "举报 {reportId} 没有申诉，无需决定。",
    en: "Report {reportId} has no appeal to decide.",
  },
  pet_appeal_decided: {
    "zh-CN": "举报 {reportId} 的申诉已经决定（{status}），不能再次决定。",
    en: "The appeal on report {reportId} has already been decided ({status}); it cannot be decided again.",
  },
  pet_not_red: {
    "zh-CN": "宠物 {id} 现在有 {points} 分（{colour}），只有红码（0 分）的宠物主人需要参加教育课程。",
    en: "Pet {id} has {points} points ({colour}); only the owner of a red code (0 points) takes the education course.",
  },
  // --- end pet three-colour code ---
  // green account (issue 17)
  green_unknown_card: {
    "zh-CN": "这张绿色账户卡无效（不是本小区的卡，或已补办新卡）。请让住户出示当前的卡，或到社区办公室补办。",
    en: "This green-account card is not valid (not one of ours, or a new card has been issued). Ask the household for its current card, or have one issued at the community office.",
  },
  green_unknown_household: {
    "zh-CN": "没有房号为 {unitId} 的住户。请核对房号。",
    en: "There is no household with unit {unitId}. Check the flat.",
  },
  green_not_your_household: {
    "zh-CN": "您不是房号 {unitId} 的住户，不能为其办卡。请住户本人办理，或由社区工作者凭书面授权代办。",
    en: "You are not of household {unitId} and cannot have its card issued. The household does it, or staff on its written authorisation.",
  },
  green_device_too_fast: {
    "zh-CN": "垃圾桶 {device} 上报过快：距上一次记分仅 {seconds} 秒，至少需间隔 {min} 秒。此事件不记分；请检查设备。",
    en: "Bin {device} reports too fast: {seconds} s since its last credited event, at least {min} s are needed. This event earns nothing; check the device.",
  },
  green_daily_cap: {
    "zh-CN": "住户 {household} 在 {day} 已得 {credited} 分，已到每日上限 {cap} 分。明天再投放可继续积分。",
    en: "Household {household} has earned {credited} points on {day}, at the daily cap of {cap}. Sorting earns points again tomorrow.",
  },
  green_not_volunteer: {
    "zh-CN": "只有值守垃圾桶的志愿者或社区工作者可以确认分类。请社区办公室将您加入志愿者名单。",
    en: "Only the volunteers at the bins or community staff may confirm sorting. Ask the community office to add you to the volunteers.",
  },
  green_unknown_entry: {
    "zh-CN": "住户 {household} 没有第 {entry} 条投放记录。请刷新待确认列表。",
    en: "Household {household} has no sorting event {entry}. Reload the queue.",
  },
  green_entry_not_pending: {
    "zh-CN": "住户 {household} 的第 {entry} 条投放已处理（{status}），无需再确认。",
    en: "Household {household}'s event {entry} has already been dealt with ({status}); nothing to confirm.",
  },
  green_unknown_item: {
    "zh-CN": "兑换目录中没有商品 {item}。请刷新目录。",
    en: "The catalogue has no item {item}. Reload the catalogue.",
  },
  green_not_partner: {
    "zh-CN": "商品 {item} 不是您的：只有提供它的合伙人或社区工作者可以办理兑换。",
    en: "Item {item} is not yours: only the partner giving it, or community staff, may redeem it.",
  },
  green_out_of_stock: {
    "zh-CN": "商品 {item} 库存不足：剩 {left} 件，要兑换 {quantity} 件。请减少数量或等待补货。",
    en: "Item {item} is out of stock: {left} left, {quantity} asked. Take fewer or wait for new stock.",
  },
  green_points_expired: {
    "zh-CN": "需要 {needed} 分，可用积分只有 {active} 分；另有 {expired} 分已过期，不能再用。",
    en: "{needed} points are needed and only {active} are active; {expired} more have expired and can no longer be spent.",
  },
  green_points_insufficient: {
    "zh-CN": "需要 {needed} 分，可用积分只有 {active} 分（另有 {pending} 分待志愿者确认）。",
    en: "{needed} points are needed and only {active} are active ({pending} more wait for a volunteer's confirmation).",
  },
  green_offer_not_accepting: {
    "zh-CN": "合伙人 {partner} 的项目 {offerId} 不存在或不接受绿色积分。请先在合伙人的项目中勾选绿色积分。",
    en: "Partner {partner}'s offer {offerId} does not exist or does not accept green points. Have the offer accept green points first.",
  },
} as const satisfies Record<string, Record<Language, string>>;

export type ErrorCode = keyof typeof messages;

/** A placeholder's value: the same in every language, or one text per language (e.g. the name of a kind). */
export type MessageParam = string | number | Record<Language, string>;
export type MessageParams = Record<string, MessageParam>;

/** Picks the response language from an Accept-Language header: English only when preferred over Chinese. */
export function pickLanguage(acceptLanguage: string | undefined): Language {
  if (!acceptLanguage) return "zh-CN";
  const ranked = acceptLanguage
    .split(",")
    .map((part, position) => {
      const [tag, ...rest] = part.trim().toLowerCase().split(";");
      const q = rest.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag: tag ?? "", q: q ? Number(q.slice(2)) || 0 : 1, position };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.position - b.position);
  for (const { tag } of ranked) {
    if (tag.startsWith("zh")) return "zh-CN";
    if (tag.startsWith("en")) return "en";
  }
  return "zh-CN";
}

/** The message of `code` in `language`, with `{name}` placeholders filled from `params`. */
export function formatMessage(
  code: ErrorCode,
  language: Language,
  params: MessageParams = {},
): string {
  return messages[code][language].replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!(name in params)) return whole;
    const value = params[name];
    return typeof value === "object" ? value[language] : String(value);
  });
}
