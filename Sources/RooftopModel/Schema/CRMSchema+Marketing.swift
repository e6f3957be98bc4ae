extension CRMSchema {
    /// The channels a campaign message goes out on, and the opt-in each needs.
    public static let messageChannels = ["Email", "SMS", "Mail"]

    /// `Campaign` (design document), schema 4. `targetAudience` and `content` are nested groups;
    /// `metrics` is derived from the campaign's ``campaignMessage`` records, never stored.
    /// `owningRooftop` is the only rooftop that will ever deliver its messages (set to the
    /// creating rooftop; transferable by an update).
    public static let campaign = EntitySchema(table: "campaign", fields: [
        FieldSpec("name", text, since: 4),
        FieldSpec("description", longText, since: 4),
        FieldSpec("type", .enumeration(["Email", "SMS", "Direct Mail", "Social", "Multi-Channel"]), since: 4),
        FieldSpec("status", .enumeration(campaignStatuses), since: 4, "Draft → Scheduled → Running → Completed, or Cancelled from any but Completed"),
        FieldSpec("startDate", .dateTime, since: 4),
        FieldSpec("endDate", .dateTime, since: 4),
        FieldSpec("budget", .decimal, since: 4),
        FieldSpec("segments", .list(.uuid, maxCount: 100), in: "targetAudience", since: 4, "customerSegment ids; the audience is their union with filterCriteria"),
        FieldSpec("estimatedReach", .integer(0...100_000_000), in: "targetAudience", since: 4),
        FieldSpec("filterCriteria", .jsonObject, in: "targetAudience", since: 4, "a segment criteria tree (see CustomerSegment.criteria)"),
        FieldSpec("templateId", .uuid, in: "content", since: 4),
        FieldSpec("subject", text, in: "content", since: 4),
        FieldSpec("message", longText, in: "content", since: 4),
        FieldSpec("mediaUrls", .list(.url, maxCount: 20), in: "content", since: 4),
        FieldSpec("callToAction", text, in: "content", since: 4),
        FieldSpec("landingPageUrl", .url, in: "content", since: 4),
        FieldSpec("owningRooftop", .text(maxLength: 63), since: 4, "the rooftop that delivers; only it ever sends"),
        FieldSpec("homeRooftop", .text(maxLength: 63), system: true, since: 4),
        FieldSpec("createdAt", .dateTime, system: true, since: 4),
        FieldSpec("updatedAt", .dateTime, system: true, since: 4),
        FieldSpec("variants", .list(.text(maxLength: 32), maxCount: 5), in: "abTest", since: 4, "A/B test variant names (2–5); none: no test"),
        FieldSpec("testShare", .integer(1...50), in: "abTest", since: 4, "percent of the audience in the test (default 10); the rest receive the winner"),
        FieldSpec("winnerRule", .enumeration(["Manual", "OpenRate", "ClickRate", "ConversionRate"]), in: "abTest", since: 4),
        FieldSpec("testWindowHours", .integer(1...720), in: "abTest", since: 4, "how long the test runs before the winner is decided (default 24)"),
        FieldSpec("winner", .text(maxLength: 32), in: "abTest", since: 4, "the winning variant, once decided"),
    ], resource: EntityResource(
        path: "campaigns", name: "Campaign", required: ["name", "type"], filters: ["status", "type", "owningRooftop", "homeRooftop"],
        sorts: ["startDate", "name", "createdAt", "updatedAt"],
        summary: "A marketing campaign: its audience, content and schedule; metrics count its outbox messages."), since: 4)

    /// A campaign's statuses, in the order a campaign moves through them.
    public static let campaignStatuses = ["Draft", "Scheduled", "Running", "Completed", "Cancelled"]

    /// One message of a campaign to one customer: the outbox (schema 4). Its id is derived from
    /// `(campaignId, customerId)` (`sync-protocol/merge-rules.md#campaign-outbox`), so two rooftops
    /// executing one campaign while partitioned write the same row, once. Its state lives on the
    /// record: `status` and one time per step, each an LWW register. A child of its customer
    /// (erasure removes it). `Suppressed` records a customer left out, with the reason.
    public static let campaignMessage = EntitySchema(table: "campaignMessage", fields: [
        FieldSpec("customerId", .uuid, since: 4),
        FieldSpec("campaignId", .uuid, since: 4),
        FieldSpec("channel", .enumeration(messageChannels), since: 4),
        FieldSpec("status", .enumeration(["Queued", "Sent", "Delivered", "Failed", "Suppressed"]), since: 4),
        FieldSpec("statusReason", text, since: 4, "why a message was suppressed or failed (doNotContact, noOptIn, noAddress)"),
        FieldSpec("queuedAt", .dateTime, since: 4),
        FieldSpec("sentAt", .dateTime, since: 4),
        FieldSpec("deliveredAt", .dateTime, since: 4),
        FieldSpec("openedAt", .dateTime, since: 4),
        FieldSpec("clickedAt", .dateTime, since: 4),
        FieldSpec("convertedAt", .dateTime, since: 4),
        FieldSpec("failedAt", .dateTime, since: 4),
        FieldSpec("createdAt", .dateTime, system: true, since: 4),
        FieldSpec("updatedAt", .dateTime, system: true, since: 4),
        FieldSpec("variant", .text(maxLength: 32), since: 4, "the A/B variant; null in the holdout until the winner is decided"),
    ], parentField: "customerId", resource: EntityResource(
        path: "outbox", name: "CampaignMessage", filters: ["campaignId", "customerId", "status", "channel"], sorts: ["queuedAt", "createdAt"],
        writable: false, summary: "The outbox: one message per campaign and customer, written by execute; its state lives on the record."),
        since: 4)

    /// `CustomerSegment` (design document), schema 4. `criteria` is a JSON filter tree
    /// (`sync-protocol/segment-criteria.md`); `memberCount` and `lastRefreshed` are derived on each
    /// rooftop by a refresh, never replicated. A static segment's members are ``segmentMember`` rows.
    public static let customerSegment = EntitySchema(table: "customerSegment", fields: [
        FieldSpec("name", text, since: 4),
        FieldSpec("description", longText, since: 4),
        FieldSpec("type", .enumeration(["Dynamic", "Static"]), since: 4),
        FieldSpec("criteria", .jsonObject, since: 4, "the filter tree of a dynamic segment"),
        FieldSpec("tags", .list(text64, maxCount: 50), since: 4),
        FieldSpec("homeRooftop", .text(maxLength: 63), system: true, since: 4),
        FieldSpec("createdAt", .dateTime, system: true, since: 4),
        FieldSpec("updatedAt", .dateTime, system: true, since: 4),
    ], resource: EntityResource(
        path: "segments", name: "CustomerSegment", required: ["name", "type"], filters: ["type", "tags", "homeRooftop"],
        sorts: ["name", "createdAt", "updatedAt"],
        summary: "A group of customers: dynamic (a criteria tree evaluated on each rooftop) or static (replicated members)."), since: 4)

    /// One member of a static segment: an element of an add-wins set (schema 4), a child of its customer.
    public static let segmentMember = EntitySchema(table: "segmentMember", fields: [
        FieldSpec("customerId", .uuid, system: true, since: 4),
        FieldSpec("segmentId", .uuid, since: 4),
        FieldSpec("removed", .boolean, since: 4),
    ], parentField: "customerId", merge: .addWinsElement, since: 4)
}
