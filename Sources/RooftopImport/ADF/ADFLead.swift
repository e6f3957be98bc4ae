/// One `<prospect>` of an ADF 1.0 document, read and normalised.
///
/// Source: "ADF — Auto-lead Data Format, version 1.0" (STAR), the XML that dealership lead
/// providers send by e-mail or HTTP POST.
public struct ADFLead: Sendable, Equatable {
    /// The prospect's position in its document, from 1.
    public var index: Int = 1
    /// `status` of the prospect: `new` (default) or `resend`.
    public var status: String
    /// `<requestdate>`, normalised to UTC `YYYY-MM-DDTHH:MM:SS.sssZ`; empty when missing or invalid
    /// (a warning says which; the importer uses the arrival time).
    public var requestDate: String
    /// `<id source=...>` of the prospect, when given (`ExampleCars Marketplace:EC-2026-000117`).
    public var leadID: String?
    public var contact: Contact
    /// `<customer><comments>` and `<timeframe><description>`.
    public var comments: [String]
    /// Vehicles the customer wants (`interest` buy, lease, test-drive or absent).
    public var vehiclesOfInterest: [Vehicle]
    /// Vehicles the customer owns and offers (`interest` trade-in or sell).
    public var ownedVehicles: [Vehicle]
    /// `<vendor><vendorname>`: the dealership the lead is for.
    public var vendorName: String?
    /// `<provider><name>`: who sent the lead.
    public var providerName: String?
    /// Values not stored in typed fields, each with its element path (nothing is dropped).
    public var warnings: [ADFWarning] = []
    /// Notes for the interaction's content that have no typed field (preferred contact time,
    /// finance, prices, employment the customer record cannot hold).
    public var notes: [String] = []
    /// `<employment>`: occupation and income range (→ `demographicInfo`).
    public var occupation: String?
    public var incomeRange: String?
    /// The `<prospect>` element's XML (at most 65,536 UTF-8 bytes: longer texts in it shortened,
    /// with a warning; ``ADFElement/xmlString(fitting:)``).
    public var raw: String = ""
    /// The prospect's identity: a hash of its XML without comments and without the whitespace
    /// between elements, so a re-indented resend is the same lead.
    public var identity: String = ""

    public struct Contact: Sendable, Equatable {
        public var firstName: String?
        public var lastName: String?
        public var businessName: String?
        /// Normalised (trimmed, lower case).
        public var email: String?
        public var phones: [Phone]
        public var address: Address?
        /// `Email` or `Phone` when a `preferredcontact="1"` marks one.
        public var preferredMethod: String?

        public init(firstName: String? = nil, lastName: String? = nil, businessName: String? = nil, email: String? = nil,
                    phones: [Phone] = [], address: Address? = nil, preferredMethod: String? = nil) {
            self.firstName = firstName
            self.lastName = lastName
            self.businessName = businessName
            self.email = email
            self.phones = phones
            self.address = address
            self.preferredMethod = preferredMethod
        }
    }

    public struct Phone: Sendable, Equatable {
        /// The design document's phone type: Mobile, Home, Work or Other; nil when the lead does not
        /// say (a `voice` number without an address type, or no `type`): the person's own, for matching.
        public var type: String?
        /// E.164.
        public var number: String

        public init(type: String?, number: String) {
            self.type = type
            self.number = number
        }
    }

    public struct Address: Sendable, Equatable {
        /// Home, Work, Billing or Shipping.
        public var type: String?
        public var street: String?
        public var city: String?
        public var state: String?
        public var postalCode: String?
        public var country: String?

        public init(type: String? = nil, street: String? = nil, city: String? = nil, state: String? = nil,
                    postalCode: String? = nil, country: String? = nil) {
            self.type = type
            self.street = street
            self.city = city
            self.state = state
            self.postalCode = postalCode
            self.country = country
        }
    }

    public struct Vehicle: Sendable, Equatable {
        /// `interest` as sent (buy, lease, test-drive, trade-in, sell), lower case.
        public var interest: String
        /// New or Used.
        public var condition: String?
        public var year: Int64?
        public var make: String?
        public var model: String?
        public var trim: String?
        /// Upper case, 17 characters.
        public var vin: String?
        public var odometer: Int64?
        /// mi or km.
        public var odometerUnits: String?
        public var exteriorColor: String?
        public var interiorColor: String?
        public var comments: String?

        public init(interest: String, condition: String? = nil, year: Int64? = nil, make: String? = nil, model: String? = nil,
                    trim: String? = nil, vin: String? = nil, odometer: Int64? = nil, odometerUnits: String? = nil,
                    exteriorColor: String? = nil, interiorColor: String? = nil, comments: String? = nil) {
            self.interest = interest
            self.condition = condition
            self.year = year
            self.make = make
            self.model = model
            self.trim = trim
            self.vin = vin
            self.odometer = odometer
            self.odometerUnits = odometerUnits
            self.exteriorColor = exteriorColor
            self.interiorColor = interiorColor
            self.comments = comments
        }

        /// `2027 Honda CR-V Sport Hybrid`.
        public var title: String {
            [year.map(String.init), make, model, trim].compactMap { $0 }.joined(separator: " ")
        }
    }
}

/// A value of a lead that was not stored in its typed field: where it was, why, and the value as
/// sent (`sync-protocol/lead-intake.md`).
public struct ADFWarning: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The element path, `prospect[1]/customer/contact/phone[2]` (1-based positions among siblings).
    public var path: String
    public var message: String
    /// The value as sent (whitespace runs collapsed).
    public var value: String

    public init(path: String, message: String, value: String) {
        self.path = path
        self.message = message
        self.value = value
    }

    public var description: String { "\(path): \(message) (\"\(value)\")" }
}

/// A prospect that cannot become a customer (no name, or no usable e-mail or phone): kept whole
/// for review instead of dropped.
public struct ADFQuarantinedProspect: Sendable, Equatable {
    /// The prospect's position in its document, from 1.
    public var index: Int
    /// Why, e.g. `no usable e-mail or phone`.
    public var reason: String
    /// The `<prospect>` element's XML (as ``ADFLead/raw``).
    public var raw: String
    /// As ``ADFLead/identity``.
    public var identity: String = ""
    /// Values not stored anywhere typed (every value of a quarantined prospect is in ``raw``).
    public var warnings: [ADFWarning]
    /// As ``ADFLead/status``, ``ADFLead/requestDate`` (empty when missing or invalid),
    /// ``ADFLead/leadID``, ``ADFLead/providerName`` and ``ADFLead/vendorName``.
    public var status: String
    public var requestDate: String
    public var leadID: String?
    public var providerName: String?
    public var vendorName: String?
}

/// A parsed ADF document: the leads to import and the prospects quarantined.
public struct ADFDocument: Sendable, Equatable {
    /// Prospects with a name and a usable e-mail or phone, in document order.
    public var leads: [ADFLead]
    /// The other prospects, in document order.
    public var quarantined: [ADFQuarantinedProspect]
}
