// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! National clouds: each has its own Graph host and sign-in authority.

/// Where the tenant lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NationalCloud {
    /// Microsoft's worldwide cloud (`graph.microsoft.com`); the default.
    #[default]
    Global,
    /// US Government L4 / GCC High (`graph.microsoft.us`).
    UsGov,
    /// US Government L5, DoD (`dod-graph.microsoft.us`); signs in at the same
    /// authority as [`UsGov`](Self::UsGov).
    UsGovDod,
    /// Azure China, operated by 21Vianet (`microsoftgraph.chinacloudapi.cn`).
    China,
}

impl NationalCloud {
    /// Graph's root URL in this cloud, without a version segment or trailing
    /// slash.
    pub const fn graph_url(self) -> &'static str {
        match self {
            NationalCloud::Global => "https://graph.microsoft.com",
            NationalCloud::UsGov => "https://graph.microsoft.us",
            NationalCloud::UsGovDod => "https://dod-graph.microsoft.us",
            NationalCloud::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

    /// The Entra ID sign-in authority in this cloud, without the tenant
    /// segment or trailing slash.
    pub const fn authority_url(self) -> &'static str {
        match self {
            NationalCloud::Global => "https://login.microsoftonline.com",
            NationalCloud::UsGov | NationalCloud::UsGovDod => "https://login.microsoftonline.us",
            NationalCloud::China => "https://login.chinacloudapi.cn",
        }
    }

    /// The `.default` scope of this cloud's Graph.
    pub fn default_scope(self) -> String {
        format!("{}/.default", self.graph_url())
    }

    /// Reads a cloud name as users write it in settings and environment
    /// variables: case, `-`, `_` and spaces are ignored, and the common aliases
    /// are accepted (`public`, `gcchigh`, `dod`, `cn`). `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().replace(['-', '_', ' '], "").as_str() {
            "global" | "public" => Some(NationalCloud::Global),
            "usgov" | "usgovernment" | "gcchigh" => Some(NationalCloud::UsGov),
            "usgovdod" | "dod" => Some(NationalCloud::UsGovDod),
            "china" | "cn" => Some(NationalCloud::China),
            _ => None,
        }
    }
}
