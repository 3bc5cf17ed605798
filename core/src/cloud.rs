// SPDX-License-Identifier: MIT
// Copyright (c) 2026 The entitlement authors

//! National clouds: each has its own Graph host and sign-in authority.

/// Where the tenant lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NationalCloud {
    #[default]
    Global,
    UsGov,
    UsGovDod,
    China,
}

impl NationalCloud {
    pub const fn graph_url(self) -> &'static str {
        match self {
            NationalCloud::Global => "https://graph.microsoft.com",
            NationalCloud::UsGov => "https://graph.microsoft.us",
            NationalCloud::UsGovDod => "https://dod-graph.microsoft.us",
            NationalCloud::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

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
