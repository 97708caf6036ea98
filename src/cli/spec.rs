//! The command-line grammar as data: every command, its arguments and options.
//!
//! One table drives parsing, validation order, error hints and help, so they cannot
//! disagree. Declaration order matters: click checks options that were not given in
//! this order, and help lists them in it.

/// How an option's or argument's text becomes a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Choice(&'static [&'static str]),
    /// Upstream's choices, then extra ones this tool adds; errors list only the first.
    ExtendedChoice(&'static [&'static str], &'static [&'static str]),
    /// `3600`, `3600s`, `15m`, `1h`, between 15 minutes and 12 hours.
    Duration,
    /// A JSON object with Effect, Action and Resource.
    Statement,
    /// Literal JSON, a file path or `-`.
    Policy,
    /// A file opened for reading, or `-` for stdin (click.File).
    ReadFile,
    Int,
    Bool,
    /// An existing file that is not a directory, or `-` (click.Path(exists=True)).
    ExistingFile,
    /// A file path that must not be a directory.
    OutputFile,
    /// A directory path that must not be a file.
    OutputDir,
    /// A number of seconds above zero (click's `FloatRange(min=0, min_open=True)`).
    Seconds,
    /// `presign --expires-in`: `3600`, `15m`, `1h`, `7d`, from 1 second to 7 days.
    Expiry,
}

#[derive(Debug)]
pub struct Opt {
    /// Without the leading `--`.
    pub long: &'static str,
    pub short: Option<char>,
    /// `None` for a flag.
    pub value: Option<Kind>,
    pub multiple: bool,
    pub required: bool,
    pub metavar: &'static str,
    pub help: &'static str,
    /// Not in the Python tool (see COMPATIBILITY.md).
    pub extension: bool,
}

impl Opt {
    /// `'-d' / '--duration'`, as click names a parameter in errors.
    pub fn hint(&self) -> String {
        match self.short {
            Some(c) => format!("'-{c}' / '--{}'", self.long),
            None => format!("'--{}'", self.long),
        }
    }
}

#[derive(Debug)]
pub struct Arg {
    pub name: &'static str,
    /// nargs=-1: takes every remaining positional.
    pub many: bool,
    pub required: bool,
    pub kind: Kind,
}

impl Arg {
    /// `BUCKETS...` for a many-valued argument.
    pub fn metavar(&self) -> String {
        if self.many {
            format!("{}...", self.name)
        } else {
            self.name.to_string()
        }
    }
}

#[derive(Debug)]
pub struct CommandSpec {
    pub name: &'static str,
    /// The one line shown in the top-level command list.
    pub summary: &'static str,
    /// What follows the command name in `Usage:` lines.
    pub usage: &'static str,
    /// The description block of `--help`, already laid out.
    pub about: &'static str,
    pub args: &'static [Arg],
    pub groups: &'static [&'static [Opt]],
    /// Not in the Python tool (see COMPATIBILITY.md).
    pub extension: bool,
}

impl CommandSpec {
    pub fn options(&self) -> impl Iterator<Item = &'static Opt> {
        self.groups.iter().flat_map(|g| g.iter())
    }
}

const fn flag(long: &'static str, help: &'static str) -> Opt {
    Opt {
        long,
        short: None,
        value: None,
        multiple: false,
        required: false,
        metavar: "",
        help,
        extension: false,
    }
}

const fn text(long: &'static str, help: &'static str) -> Opt {
    value(long, Kind::Text, "TEXT", help)
}

const fn value(long: &'static str, kind: Kind, metavar: &'static str, help: &'static str) -> Opt {
    Opt {
        long,
        short: None,
        value: Some(kind),
        multiple: false,
        required: false,
        metavar,
        help,
        extension: false,
    }
}

impl Opt {
    const fn short(mut self, c: char) -> Opt {
        self.short = Some(c);
        self
    }
    const fn multiple(mut self) -> Opt {
        self.multiple = true;
        self
    }
    const fn required(mut self) -> Opt {
        self.required = true;
        self
    }
    const fn extension(mut self) -> Opt {
        self.extension = true;
        self
    }
}

const fn arg(name: &'static str) -> Arg {
    Arg {
        name,
        many: false,
        required: true,
        kind: Kind::Text,
    }
}

const fn args_many(name: &'static str, required: bool) -> Arg {
    Arg {
        name,
        many: true,
        required,
        kind: Kind::Text,
    }
}

/// The credential and connection options every AWS command takes.
pub const CONNECTION: &[Opt] = &[
    text("access-key", "AWS access key ID"),
    text("secret-key", "AWS secret access key"),
    text("session-token", "AWS session token"),
    text("endpoint-url", "Custom endpoint URL"),
    value(
        "auth",
        Kind::ReadFile,
        "FILENAME",
        "Path to JSON/INI file containing credentials",
    )
    .short('a'),
    text(
        "region",
        "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then us-east-1)",
    )
    .extension(),
    flag(
        "debug",
        "Print each HTTP request and response on stderr, secrets redacted",
    )
    .extension(),
    text(
        "profile",
        "Profile from ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE, then default)",
    )
    .extension(),
    // Metavars kept short: a wider option would widen every command's help column.
    value(
        "connect-timeout",
        Kind::Seconds,
        "N",
        "Seconds to wait for a connection to AWS (default: 60)",
    )
    .extension(),
    value(
        "read-timeout",
        Kind::Seconds,
        "N",
        "Seconds to wait for each read of a response (default: 60)",
    )
    .extension(),
];

const LIST_FORMAT: &[Opt] = &[
    flag("nl", "Output newline-delimited JSON"),
    flag("csv", "Output CSV"),
    flag("tsv", "Output TSV"),
];

const READ_ONLY: Opt = flag("read-only", "Only allow reading from the bucket");
const WRITE_ONLY: Opt = flag("write-only", "Only allow writing to the bucket");
/// Repeatable here (an extension): each prefix adds its resources.
const PREFIX: Opt = text("prefix", "Restrict to keys starting with this prefix").multiple();
const STATEMENT: Opt = value(
    "statement",
    Kind::Statement,
    "STATEMENT",
    "JSON statement to add to the policy",
)
.multiple();

const CREATE: &[Opt] = &[
    // env and credential-process are extensions; errors list upstream's choices.
    value(
        "format",
        Kind::ExtendedChoice(&["ini", "json"], &["env", "credential-process"]),
        "FORMAT",
        "Output format for credentials: ini, json, env or credential-process",
    )
    .short('f'),
    value(
        "duration",
        Kind::Duration,
        "DURATION",
        "How long should these credentials work for? Default is forever, use 3600 for 3600 seconds, 15m for 15 minutes, 1h for 1 hour",
    )
    .short('d'),
    text("username", "Username to create or existing user to use"),
    flag("create-bucket", "Create buckets if they do not already exist").short('c'),
    PREFIX,
    flag(
        "public",
        "Make the created bucket public: anyone will be able to download files if they know their name",
    ),
    flag(
        "website",
        "Configure bucket to act as a website, using index.html and error.html",
    ),
    READ_ONLY,
    WRITE_ONLY,
    value(
        "policy",
        Kind::Policy,
        "POLICY",
        "Path to a policy.json file, or literal JSON string - $!BUCKET_NAME!$ will be replaced with the name of the bucket",
    ),
    STATEMENT,
    text("bucket-region", "Region in which to create buckets"),
    flag("silent", "Don't show performed steps"),
    flag("dry-run", "Show steps without executing them"),
    text(
        "user-permissions-boundary",
        "Custom permissions boundary to use for created users, or 'none' to create without. Defaults to limiting to S3 based on --read-only and --write-only options.",
    ),
    value(
        "output",
        Kind::OutputFile,
        "FILE",
        "Write the credentials to this file, readable only by you, instead of standard output",
    )
    .extension(),
    flag("force", "With --output: replace the file if it exists").extension(),
    flag(
        "wait",
        "Print the credentials only once they work (new keys take seconds to become active)",
    )
    .extension(),
    value(
        "wait-timeout",
        Kind::Seconds,
        "SECONDS",
        "How long --wait keeps trying (default: 60)",
    )
    .extension(),
    flag(
        "rotate",
        "If the user already has two access keys, delete the oldest one first",
    )
    .extension(),
];

const PRESIGN: &[Opt] = &[
    value(
        "expires-in",
        Kind::Expiry,
        "DURATION",
        "How long the URL works: 3600, 15m, 1h or 7d (default: 1h, at most 7 days)",
    ),
    value(
        "method",
        Kind::Choice(&["GET", "PUT"]),
        "[GET|PUT]",
        "GET to download the object, PUT to upload it (default: GET)",
    ),
];

const POLICY: &[Opt] = &[
    READ_ONLY,
    WRITE_ONLY,
    PREFIX,
    STATEMENT,
    flag("public-bucket", "Bucket policy for allowing public access"),
];

const LIST_BUCKET: &[Opt] = &[
    text("prefix", "List keys starting with this prefix"),
    flag("urls", "Show URLs for each key"),
];

const PUT_OBJECT: &[Opt] = &[
    text(
        "content-type",
        "Content-Type to use (default is auto-detected based on file extension)",
    ),
    flag("silent", "Don't show progress bar").short('s'),
];

const PUT_OBJECTS: &[Opt] = &[
    text("prefix", "Prefix to add to the files within the bucket"),
    flag("silent", "Don't show progress bar").short('s'),
    flag("dry-run", "Show steps without executing them"),
];

const GET_OBJECT: &[Opt] = &[value(
    "output",
    Kind::OutputFile,
    "FILE",
    "Write to this file instead of stdout",
)
.short('o')];

const GET_OBJECTS: &[Opt] = &[
    value(
        "output",
        Kind::OutputDir,
        "DIRECTORY",
        "Write to this directory instead of one matching the bucket name",
    )
    .short('o'),
    text(
        "pattern",
        "Glob patterns for files to download, e.g. '*/*.js'",
    )
    .short('p')
    .multiple(),
    flag("silent", "Don't show progress bar").short('s'),
];

const DELETE_OBJECTS: &[Opt] = &[
    text("prefix", "Delete everything with this prefix"),
    flag("silent", "Don't show informational output").short('s'),
    flag(
        "dry-run",
        "Show keys that would be deleted without deleting them",
    )
    .short('d'),
];

const SET_CORS_POLICY: &[Opt] = &[
    text("allowed-method", "Allowed method e.g. GET")
        .short('m')
        .multiple(),
    text("allowed-header", "Allowed header e.g. Authorization")
        .short('h')
        .multiple(),
    text(
        "allowed-origin",
        "Allowed origin e.g. https://www.example.com/",
    )
    .short('o')
    .multiple(),
    text("expose-header", "Header to expose e.g. ETag")
        .short('e')
        .multiple(),
    value(
        "max-age-seconds",
        Kind::Int,
        "INTEGER",
        "How long to cache preflight requests",
    ),
];

const SET_BUCKET_POLICY: &[Opt] = &[
    value("policy-file", Kind::ReadFile, "FILENAME", ""),
    flag("allow-all-get", "Allow GET requests from all"),
];

const SET_PUBLIC_ACCESS_BLOCK: &[Opt] = &[
    value(
        "block-public-acls",
        Kind::Bool,
        "BOOLEAN",
        "Block public ACLs for the bucket (true/false).",
    ),
    value(
        "ignore-public-acls",
        Kind::Bool,
        "BOOLEAN",
        "Ignore public ACLs for the bucket (true/false).",
    ),
    value(
        "block-public-policy",
        Kind::Bool,
        "BOOLEAN",
        "Block public bucket policies (true/false).",
    ),
    value(
        "restrict-public-buckets",
        Kind::Bool,
        "BOOLEAN",
        "Restrict public buckets (true/false).",
    ),
    flag(
        "allow-public-access",
        "Set all public access settings to false (allows full public access).",
    ),
];

const LOCALSERVER: &[Opt] = &[
    value(
        "port",
        Kind::Int,
        "INTEGER",
        "Port to run the server on (default: 8094)",
    )
    .short('p'),
    text("host", "Host to bind the server to (default: localhost)"),
    READ_ONLY,
    WRITE_ONLY,
    PREFIX,
    STATEMENT,
    value(
        "duration",
        Kind::Duration,
        "DURATION",
        "How long should credentials be valid for, e.g. 15m, 1h, 12h",
    )
    .short('d')
    .required(),
];

const DETAILS_ROLES: &[Opt] = &[flag("details", "Include attached policies (slower)")];
const DETAILS_BUCKETS: &[Opt] = &[flag("details", "Include extra bucket details (slower)")];

const BUCKET: &[Arg] = &[arg("BUCKET")];

macro_rules! about {
    ($name:literal) => {
        include_str!(concat!("about/", $name, ".txt"))
    };
}

/// Every command, in the order the top-level help lists them.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "completions",
        summary: "Print a shell completion script",
        usage: "[OPTIONS] SHELL",
        about: about!("completions"),
        args: &[Arg {
            name: "SHELL",
            many: false,
            required: true,
            kind: Kind::Choice(&["bash", "zsh", "fish"]),
        }],
        groups: &[],
        extension: true,
    },
    CommandSpec {
        name: "create",
        summary: "Create and return new AWS credentials for...",
        usage: "[OPTIONS] BUCKETS...",
        about: about!("create"),
        args: &[args_many("BUCKETS", true)],
        groups: &[CREATE, CONNECTION],
        extension: false,
    },
    CommandSpec {
        name: "debug-bucket",
        summary: "Run a bunch of diagnostics to help debug a bucket",
        usage: "[OPTIONS] BUCKET",
        about: about!("debug-bucket"),
        args: BUCKET,
        groups: &[CONNECTION],
        extension: false,
    },
    CommandSpec {
        name: "delete-objects",
        summary: "Delete one or more object from an S3 bucket",
        usage: "[OPTIONS] BUCKET [KEYS]...",
        about: about!("delete-objects"),
        args: &[arg("BUCKET"), args_many("KEYS", false)],
        groups: &[DELETE_OBJECTS, CONNECTION],
        extension: false,
    },
    CommandSpec {
        name: "delete-user",
        summary: "Delete specified users, their access keys and...",
        usage: "[OPTIONS] USERNAMES...",
        about: about!("delete-user"),
        args: &[args_many("USERNAMES", true)],
        groups: &[CONNECTION],
        extension: false,
    },
    CommandSpec {
        name: "get-bucket-policy",
        summary: "Get bucket policy for a bucket",
        usage: "[OPTIONS] BUCKET",
        about: about!("get-bucket-policy"),
        args: BUCKET,
        groups: &[CONNECTION],
        extension: false,
    },
    CommandSpec {
        name: "get-cors-policy",
        summary: "Get CORS policy for a bucket",
        usage: "[OPTIONS] BUCKET",
        about: about!("get-cors-policy"),
        args: BUCKET,
        groups: &[CONNECTION],
        extension: false,
    },
    CommandSpec {
        name: "get-object",
        summary: "Download an object from an S3 bucket",
        usage: "[OPTIONS] BUCKET KEY",
        about: about!("get-object"),
        args: &[arg("BUCKET"), arg("KEY")],
        groups: &[GET_OBJECT, CONNECTION],
        extension: false,
    },
    CommandSpec {
        name: "get-objects",
        summary: "Download multiple objects from an S3 bucket",
        usage: "[OPTIONS] BUCKET [KEYS]...",
        about: about!("get-objects"),
        args: &[arg("BUCKET"), args_many("KEYS", false)],
        groups: &[GET_OBJECTS, CONNECTION],
        extension: false,
    },
    CommandSpec {
        name: "get-public-access-block",
        summary: "Get the public access settings for an S3 bucket",
        usage: "[OPTIONS] BUCKET",
        about: about!("get-public-access-block"),
        args: BUCKET,
        groups: &[CONNECTION],
        extension: false,
    },
    CommandSpec {
        name: "list-bucket",
        summary: "List contents of bucket",
        usage: "[OPTIONS] BUCKET",
        about: about!("list-bucket"),
        args: BUCKET,
        groups: &[LIST_BUCKET, LIST_FORMAT, CONNECTION],
        extension: false,
    },
    CommandSpec {
        name: "list-buckets",
        summary: "List buckets",
        usage: "[OPTIONS] [BUCKETS]...",
        about: about!("list-buckets"),
        args: &[args_many("BUCKETS", false)],
        groups: &[DETAILS_BUCKETS, LIST_FORMAT, CONNECTION],
        extension: false,
    },
    CommandSpec {
        name: "list-roles",
        summary: "List roles",
        usage: "[OPTIONS] [ROLE_NAMES]...",
        about: about!("list-roles"),
        args: &[args_many("ROLE_NAMES", false)],
        groups: &[DETAILS_ROLES, LIST_FORMAT, CONNECTION],
        extension: false,
    },
    CommandSpec {
        name: "list-user-policies",
        summary: "List inline policies for specified users",
        usage: "[OPTIONS] [USERNAMES]...",
        about: about!("list-user-policies"),
        args: &[args_many("USERNAMES", false)],
        groups: &[CONNECTION],
        extension: false,
    },
    CommandSpec {
        name: "list-users",
        summary: "List all users for this account",
        usage: "[OPTIONS]",
        about: about!("list-users"),
        args: &[],
        groups: &[LIST_FORMAT, CONNECTION],
        extension: false,
    },
    CommandSpec {
        name: "localserver",
        summary: "Start a localhost server that serves S3...",
        usage: "[OPTIONS] BUCKET",
        about: about!("localserver"),
        args: BUCKET,
        groups: &[LOCALSERVER, CONNECTION],
        extension: false,
    },
    CommandSpec {
        name: "policy",
        summary: "Output generated JSON policy for one or more...",
        usage: "[OPTIONS] BUCKETS...",
        about: about!("policy"),
        args: &[args_many("BUCKETS", true)],
        groups: &[POLICY],
        extension: false,
    },
    CommandSpec {
        name: "presign",
        summary: "Print a presigned URL for an S3 object",
        usage: "[OPTIONS] BUCKET KEY",
        about: about!("presign"),
        args: &[arg("BUCKET"), arg("KEY")],
        groups: &[PRESIGN, CONNECTION],
        extension: true,
    },
    CommandSpec {
        name: "put-object",
        summary: "Upload an object to an S3 bucket",
        usage: "[OPTIONS] BUCKET KEY PATH",
        about: about!("put-object"),
        args: &[
            arg("BUCKET"),
            arg("KEY"),
            Arg {
                name: "PATH",
                many: false,
                required: true,
                kind: Kind::ExistingFile,
            },
        ],
        groups: &[PUT_OBJECT, CONNECTION],
        extension: false,
    },
    CommandSpec {
        name: "put-objects",
        summary: "Upload multiple objects to an S3 bucket",
        usage: "[OPTIONS] BUCKET OBJECTS...",
        about: about!("put-objects"),
        args: &[arg("BUCKET"), args_many("OBJECTS", true)],
        groups: &[PUT_OBJECTS, CONNECTION],
        extension: false,
    },
    CommandSpec {
        name: "set-bucket-policy",
        summary: "Set bucket policy for a bucket",
        usage: "[OPTIONS] BUCKET",
        about: about!("set-bucket-policy"),
        args: BUCKET,
        groups: &[SET_BUCKET_POLICY, CONNECTION],
        extension: false,
    },
    CommandSpec {
        name: "set-cors-policy",
        summary: "Set CORS policy for a bucket",
        usage: "[OPTIONS] BUCKET",
        about: about!("set-cors-policy"),
        args: BUCKET,
        groups: &[SET_CORS_POLICY, CONNECTION],
        extension: false,
    },
    CommandSpec {
        name: "set-public-access-block",
        summary: "Configure public access settings for an S3...",
        usage: "[OPTIONS] BUCKET",
        about: about!("set-public-access-block"),
        args: BUCKET,
        groups: &[SET_PUBLIC_ACCESS_BLOCK, CONNECTION],
        extension: false,
    },
    CommandSpec {
        name: "whoami",
        summary: "Identify currently authenticated user",
        usage: "[OPTIONS]",
        about: about!("whoami"),
        args: &[],
        groups: &[CONNECTION],
        extension: false,
    },
];

pub fn find(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|c| c.name == name)
}
