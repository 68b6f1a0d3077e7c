// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CommunityRegistry} from "../registry/CommunityRegistry.sol";
import {ProxyAuthorizations} from "../registry/ProxyAuthorizations.sol";
import {RegistryAccess} from "../registry/RegistryAccess.sol";

/**
 * @title TimeBank
 * @notice A time bank (时间银行, Nanjing Gulou model): one minute of service given earns one minute of credit.
 *
 * Only members registered by community staff (registry STAFF_ROLE) act. A volunteer records a service given to
 * another member; it is credited only when the recipient confirms it, or when staff confirm on the recipient's
 * behalf under the recipient's recorded written authorisation (ProxyAuthorizations; recorded as a proxy
 * confirmation with the authorisation's id). The recipient, or staff so authorised, can reject it. Nobody
 * credits themselves: the volunteer is never the recipient nor the confirmer. Credits per volunteer per UTC day
 * of the service time are capped (default 12 hours): a service is refused when it is recorded if the minutes
 * already claimed for that day (pending or confirmed) plus its own would pass the cap, and checked again when it
 * is confirmed (the cap may have been lowered meanwhile). A rejected service frees its claim. A service can be
 * recorded at most `MAX_SERVICE_AGE` after it was given, so back-dating cannot reach days long past.
 *
 * Credits cannot be transferred, except as a gift to a family member (parent, spouse, child) whose link staff
 * registered. They are redeemed, and burnt, for a service or for goods at a partner registered by staff; staff
 * redeem for a member only under the member's authorisation. A staff member is never a partner: registering one
 * is refused, and a partner later granted STAFF_ROLE receives no redemption while it holds the role (so staff
 * can never redeem anyone's credits to themselves).
 *
 * Conservation: Σ balances = totalCredited − totalRedeemed + movedIn − movedOut at every step, and no balance
 * is ever negative.
 *
 * Across communities (通存通兑): each community (an estate or a street) runs its own TimeBank on its own registry.
 * A community's registry admin recognises another community's TimeBank (`recogniseCommunity`); credits flow
 * between two communities only when the recognition is mutual: the sending side refuses a community it does not
 * recognise, and the receiving side refuses a push from a community it does not recognise
 * (`CommunityNotRecognised(community, by)`), so no community can push credits into one that does not recognise
 * it. A member may spend credits at a partner of a recognised community (`redeemAt`: burnt here, recorded as spent
 * there), and a member who moves takes their whole balance along (`moveTo`: removed here, registered there with
 * the balance); staff do either for a member under the member's authorisation (redemptions scope). Each side
 * of a flow updates its clearing balance with the other in the same transaction: `clearingWith(other)` is what
 * came in from `other` minus what went out to it, so across all communities the clearing balances sum to zero and,
 * for each community, issued + clearing = held + spent (see `ledger`); hence Σ issued = Σ held + Σ spent at every
 * block. Family gifts stay within one community's family links, which its staff register.
 * Personal data stays off chain. A service or redemption note is free text about people, easy to guess, so what
 * goes on chain (`noteHash`) must be a salted commitment, never a plain hash of the text:
 * `keccak256(abi.encode(salt, note))` with `salt` 32 random bytes kept off chain with the note (the note's UTF-8
 * text as a Solidity `string`). Without the salt the commitment reveals nothing; with salt and note anyone can
 * check it. Partner profiles are public business details and are recorded as plain hashes.
 */
contract TimeBank is RegistryAccess {
    /// @notice Default cap on the minutes credited to one volunteer per UTC day: 12 hours.
    uint32 public constant DEFAULT_DAILY_CAP = 720;
    /// @notice Minutes in a day: no service record and no daily cap can exceed it.
    uint32 public constant MINUTES_PER_DAY = 1440;
    /// @notice Longest time after a service within which it may be recorded.
    uint256 public constant MAX_SERVICE_AGE = 7 days;
    /// @notice Seconds in a UTC day, to bucket service times into days.
    uint256 private constant SECONDS_PER_DAY = 1 days;

    /// @notice The kinds of service the article describes.
    enum Category {
        MealDelivery,
        Companionship,
        Cleaning,
        HospitalEscort,
        Tutoring,
        Other
    }

    /// @notice A service record's state: pending until the recipient (or staff) decides.
    enum ServiceStatus {
        None,
        Pending,
        Confirmed,
        Rejected
    }

    /// @notice `relative` is the member's parent, spouse or child.
    enum Relation {
        None,
        Parent,
        Spouse,
        Child
    }

    /// @notice What credits are redeemed for.
    enum RedemptionKind {
        Service,
        Goods
    }

    /// @notice One slot per member; balance = earned + giftsReceived − giftsGiven − redeemed (minutes), plus
    /// what they brought in and minus what they took out when moving (`movesOf`).
    struct Member {
        bool registered;
        uint48 balance;
        uint48 earned;
        uint48 giftsReceived;
        uint48 giftsGiven;
        uint48 redeemed;
    }

    /// @notice A recorded service.
    struct Service {
        address volunteer;
        uint32 minutes_;
        Category category;
        ServiceStatus status;
        bool byProxy; // decided by staff on the recipient's behalf
        address recipient;
        uint48 servedAt; // unix time of the service
        bytes32 noteHash;
    }

    /// @notice Conservation totals (minutes).
    struct Totals {
        uint64 credited;
        uint64 redeemed;
        uint64 gifted;
        uint64 members;
    }

    /// @notice Cross-community totals (minutes): balances that moved in and out with members, credits this
    /// community's members spent at other communities' partners, and other communities' credits spent here.
    struct Clearing {
        uint64 movedIn;
        uint64 movedOut;
        uint64 spentAbroad;
        uint64 spentByVisitors;
    }

    /// @notice Balances a member brought in and took out when moving (minutes).
    struct Moves {
        uint48 movedIn;
        uint48 movedOut;
    }

    /// @notice A community's books (minutes): `issued` + `clearing` = `held` + `spent`.
    struct Ledger {
        uint64 issued; // credited for services confirmed here
        uint64 held; // Σ balances of this time bank's accounts
        uint64 spent; // redeemed at this community's partners, by its members and by visitors
        int256 clearing; // net credits received from other communities (Σ clearingWith)
    }

    /// @notice The written authorisations under which staff decide services and redeem credits for a member.
    ProxyAuthorizations public immutable proxies;

    mapping(address account => Member) private _members;
    mapping(address member => mapping(address relative => Relation)) private _relations;
    mapping(address partner => bytes32 profileHash) private _partners;
    mapping(address volunteer => mapping(uint256 day => uint32 minutes_)) private _creditedOnDay;
    /// @dev Minutes of services recorded and not rejected (pending or confirmed), per volunteer per UTC day.
    mapping(address volunteer => mapping(uint256 day => uint32 minutes_)) private _claimedOnDay;
    mapping(uint256 serviceId => Service) private _services;
    uint256 private _serviceCount;
    uint32 private _dailyCap;
    Totals private _totals;
    mapping(address community => bool) private _recognised;
    /// @dev Net minutes received from each community: in (its members' spending here, members moving in) minus out.
    mapping(address community => int256 minutes_) private _clearingWith;
    mapping(address member => address community) private _movedTo;
    mapping(address member => Moves) private _moves;
    Clearing private _clearing;

    /// @notice Staff registered a member.
    event MemberRegistered(address indexed member, address indexed staff);
    /// @notice Staff removed a member; their balance stays but they can no longer act.
    event MemberRemoved(address indexed member, address indexed staff);
    /// @notice Staff registered that `relative` is `member`'s `relation` (and the inverse link).
    event FamilyLinked(address indexed member, address indexed relative, Relation relation, address indexed staff);
    /// @notice Staff removed the family link between two members (both directions).
    event FamilyUnlinked(address indexed member, address indexed relative, address indexed staff);
    /// @notice Staff registered a partner shop or service provider.
    event PartnerRegistered(address indexed partner, bytes32 profileHash, address indexed staff);
    /// @notice Staff removed a partner.
    event PartnerRemoved(address indexed partner, address indexed staff);
    /// @notice The registry admin changed the daily cap.
    event DailyCapSet(uint32 minutes_);
    /// @notice A volunteer recorded a service, pending the recipient's decision.
    event ServiceRecorded(
        uint256 indexed serviceId,
        address indexed volunteer,
        address indexed recipient,
        uint32 minutes_,
        Category category,
        uint48 servedAt,
        bytes32 noteHash
    );
    /// @notice A service was confirmed and credited to its volunteer (`byProxy`: by staff `confirmer` for the
    /// recipient under authorisation `authorizationId`, 0 otherwise).
    event ServiceConfirmed(
        uint256 indexed serviceId,
        address indexed volunteer,
        address indexed confirmer,
        uint32 minutes_,
        bool byProxy,
        uint256 authorizationId
    );
    /// @notice A service was rejected (`byProxy`: by staff for the recipient under `authorizationId`, else 0).
    event ServiceRejected(uint256 indexed serviceId, address indexed rejecter, bool byProxy, uint256 authorizationId);
    /// @notice A member gave credits to a registered family member.
    event CreditsGifted(address indexed from, address indexed to, uint48 minutes_, Relation relation);
    /// @notice Credits were redeemed at a partner and burnt (`by` is staff when it acted for the member, under
    /// authorisation `authorizationId`; 0 when the member redeemed).
    event CreditsRedeemed(
        address indexed member,
        address indexed partner,
        uint48 minutes_,
        RedemptionKind kind,
        bytes32 noteHash,
        address by,
        uint256 authorizationId
    );

    /// @notice The registry admin recognised another community's time bank: credits may flow with it when it
    /// recognises this one too.
    event CommunityRecognised(address indexed community, address indexed admin);
    /// @notice The registry admin withdrew the recognition of another community; its clearing balance stays.
    event CommunityRecognitionWithdrawn(address indexed community, address indexed admin);
    /// @notice A member's credits were spent at a partner of another community and burnt here (`by` is staff when
    /// it acted for the member, under authorisation `authorizationId`; 0 when the member redeemed).
    event CreditsRedeemedElsewhere(
        address indexed member,
        address indexed community,
        address indexed partner,
        uint48 minutes_,
        RedemptionKind kind,
        bytes32 noteHash,
        address by,
        uint256 authorizationId
    );
    /// @notice A member of `community` spent credits at this community's `partner`.
    event VisitorCreditsRedeemed(
        address indexed member,
        address indexed community,
        address indexed partner,
        uint48 minutes_,
        RedemptionKind kind,
        bytes32 noteHash
    );
    /// @notice A member moved to `community`, taking `minutes_` along; they are no longer a member here (`by` is
    /// staff when it acted for the member, under authorisation `authorizationId`; 0 when the member moved).
    event MemberMovedOut(address indexed member, address indexed community, uint48 minutes_, address by, uint256 authorizationId);
    /// @notice A member moved in from `community` with `minutes_` of credit and is a member here.
    event MemberMovedIn(address indexed member, address indexed community, uint48 minutes_);

    /// @notice A member or partner address of zero.
    error ZeroAddress();
    /// @notice A gift or redemption of zero minutes.
    error ZeroMinutes();
    /// @notice `account` is not a registered member.
    error NotMember(address account);
    /// @notice `account` is already a member.
    error AlreadyMember(address account);
    /// @notice A service to oneself, or a family link to oneself.
    error SelfService(address account);
    /// @notice The volunteer cannot decide on their own service.
    error SelfCredit(address account, uint256 serviceId);
    /// @notice A service must last from 1 to `maxMinutes` minutes.
    error InvalidMinutes(uint32 minutes_, uint32 maxMinutes);
    /// @notice A service cannot be recorded before it happens.
    error FutureService(uint48 servedAt, uint256 now_);
    /// @notice A service must be recorded within `MAX_SERVICE_AGE` of being given: `earliest` is the oldest time
    /// accepted now.
    error ServiceTooOld(uint48 servedAt, uint256 earliest);
    /// @notice No service has this id.
    error UnknownService(uint256 serviceId);
    /// @notice The service was already confirmed or rejected.
    error ServiceNotPending(uint256 serviceId, ServiceStatus status);
    /// @notice Only the recipient, or staff for them, decide on a service.
    error NotRecipient(address account, uint256 serviceId);
    /// @notice Recording or crediting the service would take the volunteer beyond the daily cap for that UTC day
    /// (`alreadyCredited`: minutes already claimed when recording, already credited when confirming).
    error DailyCapExceeded(address volunteer, uint256 day, uint32 alreadyCredited, uint32 minutes_, uint32 cap);
    /// @notice A family link needs a relation (parent, spouse or child).
    error InvalidRelation();
    /// @notice No family link between the two members.
    error NotFamily(address from, address to);
    /// @notice `partner` is already registered.
    error AlreadyPartner(address partner);
    /// @notice `partner` is not a registered partner.
    error NotPartner(address partner);
    /// @notice A note or profile hash was missing.
    error ZeroHash();
    /// @notice The member's balance cannot cover the gift or redemption.
    error InsufficientCredit(address member, uint48 balance, uint48 minutes_);
    /// @notice The daily cap must be from 1 to `maxMinutes` minutes.
    error InvalidDailyCap(uint32 minutes_, uint32 maxMinutes);
    /// @notice A staff member cannot be registered as a partner, nor receive a redemption while holding the role.
    error StaffCannotBePartner(address partner);
    /// @notice A member cannot redeem credits at themselves.
    error SelfRedemption(address member);
    /// @notice The proxy authorisations contract address is zero.
    error ZeroProxies();
    /// @notice `by` does not recognise `community`: no credits flow between them.
    error CommunityNotRecognised(address community, address by);
    /// @notice `community` is already recognised.
    error AlreadyRecognised(address community);
    /// @notice A community cannot recognise itself, nor send credits to itself.
    error SelfCommunity(address community);
    /// @notice `community` has no contract code: it cannot be a time bank.
    error NotACommunity(address community);
    /// @notice `member` already moved from here to `community`.
    error AlreadyMoved(address member, address community);

    /// @param registry_ the community registry whose STAFF_ROLE and admin manage the time bank
    /// @param proxies_ the staff authorisations on the same registry
    constructor(CommunityRegistry registry_, ProxyAuthorizations proxies_) RegistryAccess(registry_) {
        if (address(proxies_) == address(0)) revert ZeroProxies();
        proxies = proxies_;
        _dailyCap = DEFAULT_DAILY_CAP;
    }

    // ───────────────────────────── staff: members, families, partners ─────────────────────────────

    /**
     * @notice Registers a member of the time bank (volunteer and/or recipient). Only staff.
     * @param member the member's address
     */
    function registerMember(address member) external onlyRegistryRole(registry.STAFF_ROLE()) {
        if (member == address(0)) revert ZeroAddress();
        if (_members[member].registered) revert AlreadyMember(member);
        _members[member].registered = true;
        delete _movedTo[member]; // they came back: they may move again
        ++_totals.members;
        emit MemberRegistered(member, msg.sender);
    }

    /**
     * @notice Removes a member: their balance and history stay, but they can no longer act. Only staff.
     * @param member the member's address
     */
    function removeMember(address member) external onlyRegistryRole(registry.STAFF_ROLE()) {
        _requireMember(member);
        _members[member].registered = false;
        --_totals.members;
        emit MemberRemoved(member, msg.sender);
    }

    /**
     * @notice Registers that `relative` is `member`'s parent, spouse or child, and the inverse link. Only staff.
     * @param member a registered member
     * @param relative another registered member
     * @param relation what `relative` is to `member`
     */
    function linkFamily(
        address member,
        address relative,
        Relation relation
    ) external onlyRegistryRole(registry.STAFF_ROLE()) {
        _requireMember(member);
        _requireMember(relative);
        if (member == relative) revert SelfService(member);
        if (relation == Relation.None) revert InvalidRelation();
        _relations[member][relative] = relation;
        _relations[relative][member] = _inverse(relation);
        emit FamilyLinked(member, relative, relation, msg.sender);
    }

    /**
     * @notice Removes the family link between two members, in both directions. Only staff.
     * @param member one member
     * @param relative the other
     */
    function unlinkFamily(address member, address relative) external onlyRegistryRole(registry.STAFF_ROLE()) {
        if (_relations[member][relative] == Relation.None) revert NotFamily(member, relative);
        delete _relations[member][relative];
        delete _relations[relative][member];
        emit FamilyUnlinked(member, relative, msg.sender);
    }

    /**
     * @notice Registers a partner where credits can be redeemed. Only staff; never a staff address.
     * @param partner the partner's address
     * @param profileHash hash of the partner's off-chain profile (name, licence, offer)
     */
    function registerPartner(address partner, bytes32 profileHash) external onlyRegistryRole(registry.STAFF_ROLE()) {
        if (partner == address(0)) revert ZeroAddress();
        if (registry.hasRole(registry.STAFF_ROLE(), partner)) revert StaffCannotBePartner(partner);
        if (profileHash == bytes32(0)) revert ZeroHash();
        if (_partners[partner] != bytes32(0)) revert AlreadyPartner(partner);
        _partners[partner] = profileHash;
        emit PartnerRegistered(partner, profileHash, msg.sender);
    }

    /**
     * @notice Removes a partner. Only staff.
     * @param partner the partner's address
     */
    function removePartner(address partner) external onlyRegistryRole(registry.STAFF_ROLE()) {
        if (_partners[partner] == bytes32(0)) revert NotPartner(partner);
        delete _partners[partner];
        emit PartnerRemoved(partner, msg.sender);
    }

    /**
     * @notice Sets the cap on minutes credited to one volunteer per UTC day. Only the registry admin.
     * @param minutes_ the new cap, from 1 to `MINUTES_PER_DAY`
     */
    function setDailyCap(uint32 minutes_) external onlyRegistryRole(registry.DEFAULT_ADMIN_ROLE()) {
        if (minutes_ == 0 || minutes_ > MINUTES_PER_DAY) revert InvalidDailyCap(minutes_, MINUTES_PER_DAY);
        _dailyCap = minutes_;
        emit DailyCapSet(minutes_);
    }

    // ───────────────────────────── services ─────────────────────────────

    /**
     * @notice A volunteer (the caller, a member) records a service given to another member. Not credited until
     * confirmed. The minutes count against the volunteer's daily cap for the UTC day of `servedAt` from now on
     * (until the service is rejected).
     * @param recipient the member who received the service
     * @param minutes_ its length, from 1 to `MINUTES_PER_DAY`
     * @param category its kind
     * @param servedAt when it was given (unix time, not in the future, at most `MAX_SERVICE_AGE` ago)
     * @param noteHash salted commitment to the off-chain note, `keccak256(abi.encode(salt, note))` (see above)
     * @return serviceId the record's id, counting from 1
     */
    function recordService(
        address recipient,
        uint32 minutes_,
        Category category,
        uint48 servedAt,
        bytes32 noteHash
    ) external returns (uint256 serviceId) {
        _requireMember(msg.sender);
        _requireMember(recipient);
        if (recipient == msg.sender) revert SelfService(msg.sender);
        if (minutes_ == 0 || minutes_ > MINUTES_PER_DAY) revert InvalidMinutes(minutes_, MINUTES_PER_DAY);
        if (servedAt > block.timestamp) revert FutureService(servedAt, block.timestamp);
        if (block.timestamp > MAX_SERVICE_AGE && servedAt < block.timestamp - MAX_SERVICE_AGE) {
            revert ServiceTooOld(servedAt, block.timestamp - MAX_SERVICE_AGE);
        }
        if (noteHash == bytes32(0)) revert ZeroHash();
        uint256 day = servedAt / SECONDS_PER_DAY;
        uint32 claimed = _claimedOnDay[msg.sender][day];
        uint32 cap = _dailyCap;
        if (claimed + minutes_ > cap) revert DailyCapExceeded(msg.sender, day, claimed, minutes_, cap);
        _claimedOnDay[msg.sender][day] = claimed + minutes_;
        serviceId = ++_serviceCount;
        _services[serviceId] = Service({
            volunteer: msg.sender,
            minutes_: minutes_,
            category: category,
            status: ServiceStatus.Pending,
            byProxy: false,
            recipient: recipient,
            servedAt: servedAt,
            noteHash: noteHash
        });
        emit ServiceRecorded(serviceId, msg.sender, recipient, minutes_, category, servedAt, noteHash);
    }

    /**
     * @notice Confirms a pending service and credits its minutes to the volunteer, within the volunteer's daily
     * cap for the UTC day of the service. The recipient only (a current member); never the volunteer.
     * @param serviceId the service
     */
    function confirmService(uint256 serviceId) external {
        _confirm(serviceId, 0);
    }

    /**
     * @notice Staff confirm a pending service for its recipient, under the recipient's written authorisation
     * `authorizationId` (services scope); recorded as a proxy confirmation with that id. Never the volunteer.
     * @param serviceId the service
     * @param authorizationId the recipient's authorisation (ProxyAuthorizations)
     */
    function confirmServiceFor(
        uint256 serviceId,
        uint256 authorizationId
    ) external onlyRegistryRole(registry.STAFF_ROLE()) {
        _confirm(serviceId, authorizationId);
    }

    /**
     * @notice Rejects a pending service: nothing is credited. The recipient only.
     * @param serviceId the service
     */
    function rejectService(uint256 serviceId) external {
        _reject(serviceId, 0);
    }

    /**
     * @notice Staff reject a pending service for its recipient, under the recipient's written authorisation
     * `authorizationId` (services scope): nothing is credited.
     * @param serviceId the service
     * @param authorizationId the recipient's authorisation (ProxyAuthorizations)
     */
    function rejectServiceFor(
        uint256 serviceId,
        uint256 authorizationId
    ) external onlyRegistryRole(registry.STAFF_ROLE()) {
        _reject(serviceId, authorizationId);
    }

    /// @dev `authorizationId` 0: the recipient decides; otherwise staff under that authorisation.
    function _confirm(uint256 serviceId, uint256 authorizationId) private {
        (Service storage s, bool byProxy) = _decide(serviceId, authorizationId);
        address volunteer = s.volunteer;
        uint32 minutes_ = s.minutes_;
        uint256 day = s.servedAt / SECONDS_PER_DAY;
        uint32 already = _creditedOnDay[volunteer][day];
        uint32 cap = _dailyCap;
        if (already + minutes_ > cap) revert DailyCapExceeded(volunteer, day, already, minutes_, cap);

        s.status = ServiceStatus.Confirmed;
        s.byProxy = byProxy;
        _creditedOnDay[volunteer][day] = already + minutes_;
        Member storage m = _members[volunteer];
        m.balance += minutes_;
        m.earned += minutes_;
        _totals.credited += minutes_;
        emit ServiceConfirmed(serviceId, volunteer, msg.sender, minutes_, byProxy, authorizationId);
    }

    function _reject(uint256 serviceId, uint256 authorizationId) private {
        (Service storage s, bool byProxy) = _decide(serviceId, authorizationId);
        s.status = ServiceStatus.Rejected;
        s.byProxy = byProxy;
        _claimedOnDay[s.volunteer][s.servedAt / SECONDS_PER_DAY] -= s.minutes_; // the day's claim is freed
        emit ServiceRejected(serviceId, msg.sender, byProxy, authorizationId);
    }

    // ───────────────────────────── gifts and redemptions ─────────────────────────────

    /**
     * @notice Gives credits to a family member registered by staff. The only transfer there is.
     * @param to the relative (a current member)
     * @param minutes_ how many minutes
     */
    function gift(address to, uint48 minutes_) external {
        _requireMember(msg.sender);
        _requireMember(to);
        Relation relation = _relations[msg.sender][to];
        if (relation == Relation.None) revert NotFamily(msg.sender, to);
        if (minutes_ == 0) revert ZeroMinutes();
        Member storage from = _members[msg.sender];
        if (from.balance < minutes_) revert InsufficientCredit(msg.sender, from.balance, minutes_);
        from.balance -= minutes_;
        from.giftsGiven += minutes_;
        Member storage recipient = _members[to];
        recipient.balance += minutes_;
        recipient.giftsReceived += minutes_;
        _totals.gifted += minutes_;
        emit CreditsGifted(msg.sender, to, minutes_, relation);
    }

    /**
     * @notice Redeems (burns) the caller's credits for a service or goods at a registered partner.
     * @param partner the partner providing the service or goods
     * @param minutes_ how many minutes
     * @param kind service or goods
     * @param noteHash hash of the off-chain redemption record (what was provided)
     */
    function redeem(address partner, uint48 minutes_, RedemptionKind kind, bytes32 noteHash) external {
        _requireMember(msg.sender);
        _redeem(msg.sender, partner, minutes_, kind, noteHash, 0);
    }

    /**
     * @notice Staff redeem credits for a member who cannot use a phone, under the member's written authorisation
     * `authorizationId` (redemptions scope); recorded with the staff address and that id. The partner is never
     * a staff member, so staff cannot redeem to themselves.
     * @param member the member whose credits are burnt (registered)
     * @param partner the partner providing the service or goods
     * @param minutes_ how many minutes
     * @param kind service or goods
     * @param noteHash hash of the off-chain redemption record
     * @param authorizationId the member's authorisation (ProxyAuthorizations)
     */
    function redeemFor(
        address member,
        address partner,
        uint48 minutes_,
        RedemptionKind kind,
        bytes32 noteHash,
        uint256 authorizationId
    ) external onlyRegistryRole(registry.STAFF_ROLE()) {
        _requireMember(member);
        proxies.checkProxy(authorizationId, msg.sender, member, proxies.SCOPE_REDEMPTIONS(), 0);
        _redeem(member, partner, minutes_, kind, noteHash, authorizationId);
    }

    // ───────────────────────────── across communities (通存通兑) ─────────────────────────────

    /**
     * @notice Recognises another community's time bank: its members' credits are accepted here, and this
     * community's members may spend or take theirs there, once it recognises this one too. Only the registry admin.
     * @param community the other community's TimeBank
     */
    function recogniseCommunity(address community) external onlyRegistryRole(registry.DEFAULT_ADMIN_ROLE()) {
        if (community == address(0)) revert ZeroAddress();
        if (community == address(this)) revert SelfCommunity(community);
        if (community.code.length == 0) revert NotACommunity(community);
        if (_recognised[community]) revert AlreadyRecognised(community);
        _recognised[community] = true;
        emit CommunityRecognised(community, msg.sender);
    }

    /**
     * @notice Withdraws the recognition of a community: no more credits flow with it; its clearing balance stays.
     * Only the registry admin.
     * @param community the other community's TimeBank
     */
    function withdrawRecognition(address community) external onlyRegistryRole(registry.DEFAULT_ADMIN_ROLE()) {
        _requireRecognised(community);
        delete _recognised[community];
        emit CommunityRecognitionWithdrawn(community, msg.sender);
    }

    /**
     * @notice Spends (burns) the caller's credits for a service or goods at a partner of another community that
     * recognises this one (and is recognised here); that community records them as spent there.
     * @param community the other community's TimeBank
     * @param partner a partner registered there
     * @param minutes_ how many minutes
     * @param kind service or goods
     * @param noteHash salted commitment to the off-chain redemption record
     */
    function redeemAt(
        address community,
        address partner,
        uint48 minutes_,
        RedemptionKind kind,
        bytes32 noteHash
    ) external {
        _requireMember(msg.sender);
        _redeemAt(msg.sender, community, partner, minutes_, kind, noteHash, 0);
    }

    /**
     * @notice Staff spend a member's credits at a partner of another community, under the member's written
     * authorisation `authorizationId` (redemptions scope); recorded with the staff address and that id.
     * @param member the member whose credits are burnt (registered)
     * @param community the other community's TimeBank
     * @param partner a partner registered there
     * @param minutes_ how many minutes
     * @param kind service or goods
     * @param noteHash salted commitment to the off-chain redemption record
     * @param authorizationId the member's authorisation (ProxyAuthorizations)
     */
    function redeemAtFor(
        address member,
        address community,
        address partner,
        uint48 minutes_,
        RedemptionKind kind,
        bytes32 noteHash,
        uint256 authorizationId
    ) external onlyRegistryRole(registry.STAFF_ROLE()) {
        _requireMember(member);
        proxies.checkProxy(authorizationId, msg.sender, member, proxies.SCOPE_REDEMPTIONS(), 0);
        _redeemAt(member, community, partner, minutes_, kind, noteHash, authorizationId);
    }

    /**
     * @notice The caller (a member) moves to another community, taking their whole balance along: they stop
     * being a member here and become one there. Pending services they gave are still credited here.
     * @param community the other community's TimeBank (mutually recognised)
     */
    function moveTo(address community) external {
        _move(msg.sender, community, 0);
    }

    /**
     * @notice Staff move a member to another community with their balance, under the member's written
     * authorisation `authorizationId` (redemptions scope: it disposes of their credits); recorded with that id.
     * @param member the member who moves (registered)
     * @param community the other community's TimeBank (mutually recognised)
     * @param authorizationId the member's authorisation (ProxyAuthorizations)
     */
    function moveMemberFor(
        address member,
        address community,
        uint256 authorizationId
    ) external onlyRegistryRole(registry.STAFF_ROLE()) {
        proxies.checkProxy(authorizationId, msg.sender, member, proxies.SCOPE_REDEMPTIONS(), 0);
        _move(member, community, authorizationId);
    }

    /**
     * @notice Called by a recognised community's TimeBank when its member spends credits at a partner here:
     * records them as spent here and as received from that community. Refused from any other caller.
     * @param member the visiting member (an account of the calling community)
     * @param partner a partner registered here
     * @param minutes_ how many minutes (already burnt by the caller)
     * @param kind service or goods
     * @param noteHash salted commitment to the off-chain redemption record
     */
    function acceptVisitorRedemption(
        address member,
        address partner,
        uint48 minutes_,
        RedemptionKind kind,
        bytes32 noteHash
    ) external {
        _requireRecognisedCaller();
        if (_partners[partner] == bytes32(0)) revert NotPartner(partner);
        if (partner == member) revert SelfRedemption(member);
        if (registry.hasRole(registry.STAFF_ROLE(), partner)) revert StaffCannotBePartner(partner);
        if (minutes_ == 0) revert ZeroMinutes();
        _clearing.spentByVisitors += minutes_;
        _clearingWith[msg.sender] += int256(uint256(minutes_));
        emit VisitorCreditsRedeemed(member, msg.sender, partner, minutes_, kind, noteHash);
    }

    /**
     * @notice Called by a recognised community's TimeBank when its member moves here: registers them (if not
     * already a member) and credits the balance they bring. Refused from any other caller.
     * @param member the member moving in
     * @param minutes_ the balance they bring (already taken out by the caller)
     */
    function acceptMember(address member, uint48 minutes_) external {
        _requireRecognisedCaller();
        if (member == address(0)) revert ZeroAddress();
        Member storage m = _members[member];
        if (!m.registered) {
            m.registered = true;
            ++_totals.members;
        }
        delete _movedTo[member]; // back where they once left: they may move again
        m.balance += minutes_;
        _moves[member].movedIn += minutes_;
        _clearing.movedIn += minutes_;
        _clearingWith[msg.sender] += int256(uint256(minutes_));
        emit MemberMovedIn(member, msg.sender, minutes_);
    }

    // ───────────────────────────── views ─────────────────────────────

    /// @notice A member's registration, balance and lifetime totals (minutes).
    function memberOf(address account) external view returns (Member memory) {
        return _members[account];
    }

    /// @notice A member's balance in minutes.
    function balanceOf(address account) external view returns (uint48) {
        return _members[account].balance;
    }

    /// @notice A service record.
    function service(uint256 serviceId) external view returns (Service memory) {
        return _service(serviceId);
    }

    /// @notice How many services were recorded; ids run from 1 to this number.
    function serviceCount() external view returns (uint256) {
        return _serviceCount;
    }

    /// @notice Total minutes credited, redeemed and gifted, and the number of current members.
    function totals() external view returns (Totals memory) {
        return _totals;
    }

    /// @notice What `relative` is to `member` (None if not linked).
    function relationOf(address member, address relative) external view returns (Relation) {
        return _relations[member][relative];
    }

    /// @notice A partner's profile hash (zero if not a partner).
    function partnerProfile(address partner) external view returns (bytes32) {
        return _partners[partner];
    }

    /// @notice The cap on minutes credited to one volunteer per UTC day.
    function dailyCap() external view returns (uint32) {
        return _dailyCap;
    }

    /// @notice Minutes already credited to a volunteer for a UTC day (`day` = unix time / 86400).
    function creditedOnDay(address volunteer, uint256 day) external view returns (uint32) {
        return _creditedOnDay[volunteer][day];
    }

    /// @notice Whether this community recognises `community`'s time bank.
    function isRecognised(address community) external view returns (bool) {
        return _recognised[community];
    }

    /// @notice Net minutes received from `community` (its members' spending here and members moving in) minus
    /// those sent to it; across all communities these sum to zero.
    function clearingWith(address community) external view returns (int256) {
        return _clearingWith[community];
    }

    /// @notice Cross-community totals: moved in and out, spent abroad by members, spent here by visitors.
    function clearing() external view returns (Clearing memory) {
        return _clearing;
    }

    /// @notice This community's books: issued + clearing = held + spent.
    function ledger() external view returns (Ledger memory books) {
        Totals memory t = _totals;
        Clearing memory c = _clearing;
        books.issued = t.credited;
        books.held = t.credited + c.movedIn - t.redeemed - c.movedOut;
        books.spent = t.redeemed - c.spentAbroad + c.spentByVisitors;
        books.clearing =
            int256(uint256(c.movedIn) + uint256(c.spentByVisitors)) -
            int256(uint256(c.movedOut) + uint256(c.spentAbroad));
    }

    /// @notice Where `member` moved from here (zero if they have not, or came back).
    function movedTo(address member) external view returns (address) {
        return _movedTo[member];
    }

    /// @notice The balances `member` brought in and took out when moving (minutes).
    function movesOf(address member) external view returns (Moves memory) {
        return _moves[member];
    }

    /// @notice Minutes a volunteer has recorded for a UTC day and not had rejected (pending or confirmed); a new
    /// record for that day must keep this within the daily cap.
    function claimedOnDay(address volunteer, uint256 day) external view returns (uint32) {
        return _claimedOnDay[volunteer][day];
    }

    // ───────────────────────────── internals ─────────────────────────────

    /**
     * @dev The pending service `serviceId` and whether the caller decides as staff for its recipient: without an
     * authorisation only the recipient decides; with one, the caller (staff, checked by the caller's modifier)
     * must hold the recipient's authorisation for services.
     */
    function _decide(uint256 serviceId, uint256 authorizationId) private view returns (Service storage s, bool byProxy) {
        s = _service(serviceId);
        if (s.status != ServiceStatus.Pending) revert ServiceNotPending(serviceId, s.status);
        if (msg.sender == s.volunteer) revert SelfCredit(msg.sender, serviceId);
        if (authorizationId == 0) {
            if (msg.sender != s.recipient) revert NotRecipient(msg.sender, serviceId);
            _requireMember(msg.sender);
            return (s, false);
        }
        proxies.checkProxy(authorizationId, msg.sender, s.recipient, proxies.SCOPE_SERVICES(), 0);
        return (s, true);
    }

    function _redeem(
        address member_,
        address partner,
        uint48 minutes_,
        RedemptionKind kind,
        bytes32 noteHash,
        uint256 authorizationId
    ) private {
        if (_partners[partner] == bytes32(0)) revert NotPartner(partner);
        if (partner == member_) revert SelfRedemption(member_);
        if (registry.hasRole(registry.STAFF_ROLE(), partner)) revert StaffCannotBePartner(partner);
        if (minutes_ == 0) revert ZeroMinutes();
        if (noteHash == bytes32(0)) revert ZeroHash();
        Member storage m = _members[member_];
        if (m.balance < minutes_) revert InsufficientCredit(member_, m.balance, minutes_);
        m.balance -= minutes_;
        m.redeemed += minutes_;
        _totals.redeemed += minutes_;
        emit CreditsRedeemed(member_, partner, minutes_, kind, noteHash, msg.sender, authorizationId);
    }

    function _redeemAt(
        address member_,
        address community,
        address partner,
        uint48 minutes_,
        RedemptionKind kind,
        bytes32 noteHash,
        uint256 authorizationId
    ) private {
        _requireRecognised(community);
        if (minutes_ == 0) revert ZeroMinutes();
        if (noteHash == bytes32(0)) revert ZeroHash();
        Member storage m = _members[member_];
        if (m.balance < minutes_) revert InsufficientCredit(member_, m.balance, minutes_);
        m.balance -= minutes_;
        m.redeemed += minutes_;
        _totals.redeemed += minutes_;
        _clearing.spentAbroad += minutes_;
        _clearingWith[community] -= int256(uint256(minutes_));
        emit CreditsRedeemedElsewhere(member_, community, partner, minutes_, kind, noteHash, msg.sender, authorizationId);
        // The other side checks its partner and that it recognises this community; a refusal there undoes this.
        TimeBank(community).acceptVisitorRedemption(member_, partner, minutes_, kind, noteHash);
    }

    function _move(address member_, address community, uint256 authorizationId) private {
        address already = _movedTo[member_];
        if (already != address(0)) revert AlreadyMoved(member_, already);
        _requireMember(member_);
        _requireRecognised(community);
        Member storage m = _members[member_];
        uint48 minutes_ = m.balance;
        m.registered = false;
        m.balance = 0;
        --_totals.members;
        _movedTo[member_] = community;
        _moves[member_].movedOut += minutes_;
        _clearing.movedOut += minutes_;
        _clearingWith[community] -= int256(uint256(minutes_));
        emit MemberMovedOut(member_, community, minutes_, msg.sender, authorizationId);
        TimeBank(community).acceptMember(member_, minutes_);
    }

    /// @dev Credits flow out only to a community recognised here.
    function _requireRecognised(address community) private view {
        if (community == address(this)) revert SelfCommunity(community);
        if (!_recognised[community]) revert CommunityNotRecognised(community, address(this));
    }

    /// @dev Credits flow in only from a community recognised here: no community pushes into one that does not.
    function _requireRecognisedCaller() private view {
        if (!_recognised[msg.sender]) revert CommunityNotRecognised(msg.sender, address(this));
    }

    function _service(uint256 serviceId) private view returns (Service storage s) {
        s = _services[serviceId];
        if (s.status == ServiceStatus.None) revert UnknownService(serviceId);
    }

    function _requireMember(address account) private view {
        if (!_members[account].registered) revert NotMember(account);
    }

    function _inverse(Relation relation) private pure returns (Relation) {
        if (relation == Relation.Parent) return Relation.Child;
        if (relation == Relation.Child) return Relation.Parent;
        return relation;
    }
}
