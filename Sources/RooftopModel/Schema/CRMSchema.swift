/// The replicated CRM schema: the entities of `seed/crm-design-document.md` this release holds.
///
/// ``version`` travels in every changeset (`sync-protocol/changeset-format.md#versions`).
/// Fields are only ever appended to an entity; a release that adds one raises ``version``.
public enum CRMSchema {
    /// The schema version this build writes.
    ///
    /// - 1: customer, customerPhone, customerAddress, customerInteraction, vehicle, customerVehicle.
    /// - 2: customerTag (`Customer.tags` as an add-wins set).
    /// - 3: loyaltyEvent (the loyalty ledger behind `Customer.loyaltyPoints`).
    /// - 4: the rest of the design document: campaign, campaignMessage (the outbox),
    ///   customerSegment, segmentMember, customerJourney, journeyStageEvent, customerSurvey,
    ///   surveyResponse, loyaltyReward, scheduledInteraction; `CustomerInteraction.tags`;
    ///   `loyaltyEvent.rewardId`.
    /// - 5: customerMerge (duplicate-customer merges, `sync-protocol/customer-merge.md`).
    /// - 6: duplicateDecision (reviewers' dismissals of possible duplicates, `sync-protocol/duplicate-detection.md`).
    /// - 7: lead (ADF leads as they arrived, quarantined ones too, `sync-protocol/lead-intake.md`).
    public static let version: UInt16 = 7

    static let text = FieldType.text(maxLength: 256)
    static let longText = FieldType.text(maxLength: 20_000)

    /// `Customer` (design document "Core Entities"): nested `communicationPreferences` and
    /// `demographicInfo` are flattened into columns; `phoneNumbers` and `addresses` are the
    /// child entities ``customerPhone`` and ``customerAddress``. `homeRooftop` records where
    /// the customer was created.
    public static let customer = EntitySchema(table: "customer", fields: [
        FieldSpec("contactType", .enumeration(["Individual", "Business"])),
        FieldSpec("firstName", text),
        FieldSpec("lastName", text),
        FieldSpec("businessName", text),
        FieldSpec("email", .email),
        FieldSpec("preferredMethod", .enumeration(["Email", "Phone", "SMS", "Mail"]), in: "communicationPreferences"),
        FieldSpec("optInEmail", .boolean, in: "communicationPreferences"),
        FieldSpec("optInSMS", .boolean, in: "communicationPreferences"),
        FieldSpec("optInMail", .boolean, in: "communicationPreferences"),
        FieldSpec("doNotContact", .boolean, in: "communicationPreferences"),
        FieldSpec("birthDate", .date, in: "demographicInfo"),
        FieldSpec("gender", text, in: "demographicInfo"),
        FieldSpec("occupation", text, in: "demographicInfo"),
        FieldSpec("incomeRange", text, in: "demographicInfo"),
        FieldSpec("educationLevel", text, in: "demographicInfo"),
        FieldSpec("sourceId", .uuid),
        FieldSpec("sourceType", .enumeration(["WebLead", "Showroom", "ServiceCustomer", "ReferralCustomer"])),
        FieldSpec("leadScore", .integer(0...1_000_000)),
        FieldSpec("loyaltyTier", .enumeration(["Bronze", "Silver", "Gold", "Platinum"])),
        FieldSpec("lifetimeValue", .decimal),
        FieldSpec("status", .enumeration(["Active", "Inactive", "Prospect"])),
        FieldSpec("notes", longText),
        FieldSpec("homeRooftop", .text(maxLength: 63), system: true),
        FieldSpec("createdAt", .dateTime, system: true),
        FieldSpec("updatedAt", .dateTime, system: true),
    ])

    /// An element of `Customer.phoneNumbers`, a child record with its own id.
    public static let customerPhone = EntitySchema(table: "customerPhone", fields: [
        FieldSpec("customerId", .uuid, system: true),
        FieldSpec("type", .enumeration(["Mobile", "Home", "Work", "Other"])),
        FieldSpec("number", .phone),
        FieldSpec("primary", .boolean),
        FieldSpec("consentToCall", .boolean),
        FieldSpec("consentDate", .dateTime),
    ], parentField: "customerId")

    /// An element of `Customer.addresses`, a child record with its own id.
    public static let customerAddress = EntitySchema(table: "customerAddress", fields: [
        FieldSpec("customerId", .uuid, system: true),
        FieldSpec("type", .enumeration(["Home", "Work", "Billing", "Shipping"])),
        FieldSpec("street", text),
        FieldSpec("city", text),
        FieldSpec("state", text),
        FieldSpec("postalCode", .text(maxLength: 16)),
        FieldSpec("country", .text(maxLength: 64)),
        FieldSpec("primary", .boolean),
    ], parentField: "customerId")

    /// `CustomerInteraction` (design document); `tags` since schema 4 (one LWW list). A child of its
    /// customer: a delete of the customer covers it.
    public static let customerInteraction = EntitySchema(table: "customerInteraction", fields: [
        FieldSpec("customerId", .uuid),
        FieldSpec("type", .enumeration(["Call", "Email", "SMS", "In-Person", "Web", "Social"])),
        FieldSpec("direction", .enumeration(["Inbound", "Outbound"])),
        FieldSpec("channelId", text),
        FieldSpec("interactionDate", .dateTime),
        FieldSpec("duration", .integer(0...10_000_000)),
        FieldSpec("userId", .uuid),
        FieldSpec("subject", text),
        FieldSpec("content", longText),
        FieldSpec("outcome", text),
        FieldSpec("sentiment", .enumeration(["Positive", "Neutral", "Negative"])),
        FieldSpec("relatedToType", text),
        FieldSpec("relatedToId", .uuid),
        FieldSpec("createdAt", .dateTime, system: true),
        FieldSpec("updatedAt", .dateTime, system: true),
        FieldSpec("tags", .list(text64, maxCount: 50), since: 4, "labels; one LWW register (an interaction is recorded at one desk)"),
    ], parentField: "customerId", resource: EntityResource(
        path: "interactions", name: "CustomerInteraction", required: ["customerId", "type"],
        filters: ["customerId", "type", "direction", "userId", "sentiment", "tags"], sorts: ["interactionDate", "createdAt", "updatedAt"],
        summary: "A call, e-mail, SMS, visit, web or social contact with a customer."))

    static let text64 = FieldType.text(maxLength: 64)

    /// A vehicle (the design document's `Vehicle` reference target): a vehicle of interest
    /// from a lead, or one a customer owns.
    public static let vehicle = EntitySchema(table: "vehicle", fields: [
        FieldSpec("vin", .vin),
        FieldSpec("year", .integer(1886...2100)),
        FieldSpec("make", text),
        FieldSpec("model", text),
        FieldSpec("trim", text),
        FieldSpec("condition", .enumeration(["New", "Used"])),
        FieldSpec("exteriorColor", text),
        FieldSpec("interiorColor", text),
        FieldSpec("odometer", .integer(0...10_000_000)),
        FieldSpec("odometerUnits", .enumeration(["mi", "km"])),
        FieldSpec("createdAt", .dateTime, system: true),
        FieldSpec("updatedAt", .dateTime, system: true),
    ], resource: EntityResource(path: "vehicles", name: "Vehicle", filters: ["vin", "make", "model", "year", "condition"],
                                sorts: ["year", "make", "createdAt", "updatedAt"],
                                summary: "A vehicle: one a customer owns or drives, or a vehicle of interest from a lead."))

    /// `CustomerVehicle` (design document): a customer's relationship to a vehicle. A child of its
    /// customer (the vehicle itself is shared and is not).
    public static let customerVehicle = EntitySchema(table: "customerVehicle", fields: [
        FieldSpec("customerId", .uuid),
        FieldSpec("vehicleId", .uuid),
        FieldSpec("relationshipType", .enumeration(["Owner", "Co-Owner", "Driver"])),
        FieldSpec("purchaseDate", .date),
        FieldSpec("purchaseLocationId", .uuid),
        FieldSpec("purchaseType", .enumeration(["New", "Used", "CPO"])),
        FieldSpec("financeType", .enumeration(["Cash", "Finance", "Lease"])),
        FieldSpec("financeCompany", text),
        FieldSpec("estimatedPayoffDate", .date),
        FieldSpec("status", .enumeration(["Active", "Sold", "Traded"])),
        FieldSpec("isCurrentVehicle", .boolean),
        FieldSpec("isServicedHere", .boolean),
        FieldSpec("primaryDriver", text),
        FieldSpec("annualMileage", .integer(0...1_000_000)),
        FieldSpec("createdAt", .dateTime, system: true),
        FieldSpec("updatedAt", .dateTime, system: true),
    ], parentField: "customerId", resource: EntityResource(
        path: "customer-vehicles", name: "CustomerVehicle", required: ["customerId", "vehicleId"],
        filters: ["customerId", "vehicleId", "status", "relationshipType"], sorts: ["purchaseDate", "createdAt", "updatedAt"],
        summary: "A customer's relationship to a vehicle: owner, co-owner or driver, with purchase and finance details."))

    /// One element of `Customer.tags`, an add-wins set (`sync-protocol/merge-rules.md#add-wins-set`):
    /// every add creates its own element row; a remove sets `removed` on the element rows it has
    /// seen. A tag is present while any of its element rows is not removed, so an add the remover
    /// had not seen survives. Schema version 2.
    public static let customerTag = EntitySchema(table: "customerTag", fields: [
        FieldSpec("customerId", .uuid, system: true),
        FieldSpec("tag", .text(maxLength: 64)),
        FieldSpec("removed", .boolean),
    ], parentField: "customerId", merge: .addWinsElement, since: 2)

    /// An event of a customer's loyalty ledger (`sync-protocol/merge-rules.md#loyalty-ledger`):
    /// points are an append-only ledger of adds and redemptions, not a number. The balance replays
    /// the events in `(HLC, rooftop id)` order; a redemption that would overdraw is declined, the
    /// same on every replica. Events are written once and never changed. Schema version 3.
    public static let loyaltyEvent = EntitySchema(table: "loyaltyEvent", fields: [
        FieldSpec("customerId", .uuid, system: true),
        FieldSpec("kind", .enumeration(["Add", "Redeem"])),
        FieldSpec("points", .integer(1...10_000_000)),
        FieldSpec("reason", .text(maxLength: 256)),
        FieldSpec("createdAt", .dateTime, system: true),
        FieldSpec("rewardId", .uuid, since: 4, "the loyaltyReward a redemption was for"),
    ], parentField: "customerId", merge: .appendOnly, since: 3)

    /// Every replicated entity, in the order digests list them.
    public static let entities: [EntitySchema] = [
        customer, customerPhone, customerAddress, customerInteraction, vehicle, customerVehicle, customerTag, loyaltyEvent,
        campaign, campaignMessage, customerSegment, segmentMember, customerJourney, journeyStageEvent,
        customerSurvey, surveyResponse, loyaltyReward, scheduledInteraction, customerMerge, duplicateDecision, lead,
    ]

    /// The entities served as generic REST collections and `rooftop crm` commands.
    public static var resources: [EntitySchema] { entities.filter { $0.resource != nil } }

    /// The child entities of `table` (those whose ``EntitySchema/parentTable`` it is), in digest order.
    public static func children(of table: String) -> [EntitySchema] { childrenByTable[table] ?? [] }

    private static let childrenByTable: [String: [EntitySchema]] = Dictionary(grouping: entities.filter { $0.parentTable != nil }, by: { $0.parentTable! })

    /// The entity stored in `table`, or nil when this release does not know it.
    public static func entity(_ table: String) -> EntitySchema? { entitiesByTable[table] }

    /// Table name → entity (looked up for every change applied).
    private static let entitiesByTable: [String: EntitySchema] = Dictionary(uniqueKeysWithValues: entities.map { ($0.table, $0) })
}
