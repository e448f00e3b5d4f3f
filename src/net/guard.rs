//! The SSRF guard: scout fetches URLs that strangers' pages hand it, so it must never be
//! steered into a private network (a cloud metadata service, a router, localhost).
//!
//! Two checks: [`Guard::check_url`] refuses non-http(s) schemes and IP-literal hosts in
//! forbidden ranges before any request; the guard is also reqwest's DNS resolver, so a host
//! name is resolved here and only permitted addresses are handed back — the socket can only
//! connect to an address this module approved, on every redirect hop.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::Url;

use crate::config::CrawlConfig;
use crate::net::error::Error as FetchError;

#[derive(Debug, Clone, thiserror::Error)]
#[error("{host} resolves to {addr}, a {class} address")]
pub(crate) struct GuardError {
    pub host: String,
    pub addr: IpAddr,
    pub class: &'static str,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Guard {
    allow: Vec<IpNet>,
}

impl Guard {
    #[cfg(test)]
    fn new(allow: Vec<IpNet>) -> Guard {
        Guard { allow }
    }

    pub(crate) fn from_config(cfg: &CrawlConfig) -> crate::Result<Guard> {
        let mut allow = Vec::new();
        for s in &cfg.allow_private_networks {
            let net = s
                .parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    crate::Error::Config(format!(
                        "`crawl.allow_private_networks` entry {s:?} is not a CIDR"
                    ))
                })?;
            allow.push(net);
        }
        Ok(Guard { allow })
    }

    /// `None` when `addr` may be fetched, else the class that forbids it.
    pub(crate) fn refusal(&self, addr: IpAddr) -> Option<&'static str> {
        let class = classify(addr)?;
        let canonical = canonical_ip(addr);
        if self
            .allow
            .iter()
            .any(|net| net.contains(&addr) || net.contains(&canonical))
        {
            return None;
        }
        Some(class)
    }

    /// Scheme and IP-literal check, before any request is made.
    pub(crate) fn check_url(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Refused {
                url: url.to_string(),
                detail: format!("scheme {:?} is not http or https", url.scheme()),
            });
        }
        let addr = match url.host() {
            Some(url::Host::Ipv4(a)) => IpAddr::V4(a),
            Some(url::Host::Ipv6(a)) => IpAddr::V6(a),
            Some(url::Host::Domain(_)) => return Ok(()),
            None => {
                return Err(FetchError::InvalidUrl {
                    url: url.to_string(),
                    detail: "no host".into(),
                });
            }
        };
        match self.refusal(addr) {
            None => Ok(()),
            Some(class) => Err(FetchError::Refused {
                url: url.to_string(),
                detail: format!("{addr} is a {class} address"),
            }),
        }
    }
}

impl Resolve for Guard {
    fn resolve(&self, name: Name) -> Resolving {
        let guard = self.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut ok = Vec::new();
            let mut first_refusal = None;
            for a in addrs {
                match guard.refusal(a.ip()) {
                    None => ok.push(a),
                    Some(class) => {
                        first_refusal.get_or_insert(GuardError {
                            host: host.clone(),
                            addr: a.ip(),
                            class,
                        });
                    }
                }
            }
            // Any forbidden answer refuses the host: a name that mixes public and private
            // addresses is a DNS-rebinding setup, not an accident.
            if let Some(err) = first_refusal {
                return Err(Box::new(err) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(ok.into_iter()) as Addrs)
        })
    }
}

/// IPv4-mapped, NAT64 and 6to4 IPv6 addresses stand for the IPv4 address inside.
fn canonical_ip(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some(v4) => IpAddr::V4(v4),
            None => addr,
        },
        v4 => v4,
    }
}

fn embedded_v4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(v4);
    }
    let s = v6.segments();
    let o = v6.octets();
    // NAT64 well-known prefix 64:ff9b::/96
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6].iter().all(|&x| x == 0) {
        return Some(Ipv4Addr::new(o[12], o[13], o[14], o[15]));
    }
    // 6to4 2002:AABB:CCDD::/48 routes to the IPv4 address AA.BB.CC.DD.
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new(o[2], o[3], o[4], o[5]));
    }
    None
}

/// The class of a non-public address, or `None` for a public one.
pub(crate) fn classify(addr: IpAddr) -> Option<&'static str> {
    match addr {
        IpAddr::V4(a) => classify_v4(a),
        IpAddr::V6(a) => {
            if let Some(v4) = embedded_v4(a) {
                // 6to4 is a real (if rare) public address family; mapped and NAT64 addresses
                // in a DNS answer are a trick, refused even around a public IPv4.
                if a.segments()[0] == 0x2002 {
                    return classify_v4(v4);
                }
                return classify_v4(v4).or(Some("IPv4-mapped"));
            }
            let s = a.segments();
            if a.is_loopback() {
                Some("loopback")
            } else if a.is_unspecified() {
                Some("unspecified")
            } else if (s[0] & 0xfe00) == 0xfc00 {
                Some("unique-local")
            } else if (s[0] & 0xffc0) == 0xfe80 {
                Some("link-local")
            } else if (s[0] & 0xffc0) == 0xfec0 {
                Some("site-local")
            } else if (s[0] & 0xff00) == 0xff00 {
                Some("multicast")
            } else if s[0] == 0 && s[1] == 0 && s[2] == 0 && s[3] == 0 && s[4] == 0 && s[5] == 0 {
                // IPv4-compatible (deprecated) ::a.b.c.d
                Some("IPv4-compatible")
            } else if s[0] == 0x2001 && s[1] == 0x0db8 {
                Some("documentation")
            } else {
                None
            }
        }
    }
}

fn classify_v4(a: Ipv4Addr) -> Option<&'static str> {
    let o = a.octets();
    if a.is_loopback() {
        Some("loopback")
    } else if a.is_private() {
        Some("private")
    } else if o[0] == 100 && (o[1] & 0xc0) == 64 {
        Some("CGNAT")
    } else if a.is_link_local() {
        Some("link-local")
    } else if o[0] == 0 {
        Some("unspecified")
    } else if a.is_multicast() {
        Some("multicast")
    } else if a.is_broadcast() || o[0] >= 240 {
        Some("reserved")
    } else if o[0] == 198 && (o[1] & 0xfe) == 18 {
        Some("benchmarking")
    } else if o[0] == 192 && o[1] == 0 && o[2] == 0 {
        Some("IETF protocol assignment")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn classifies_forbidden_ranges() {
        for (addr, class) in [
            ("127.0.0.1", "loopback"),
            ("127.255.0.9", "loopback"),
            ("10.1.2.3", "private"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("100.64.0.1", "CGNAT"),
            ("100.127.255.254", "CGNAT"),
            ("169.254.169.254", "link-local"),
            ("0.0.0.0", "unspecified"),
            ("224.0.0.1", "multicast"),
            ("255.255.255.255", "reserved"),
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("fd00::1", "unique-local"),
            ("fc00::1", "unique-local"),
            ("fe80::1", "link-local"),
            ("ff02::1", "multicast"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:169.254.169.254", "link-local"),
            ("::ffff:10.0.0.1", "private"),
            ("64:ff9b::a9fe:a9fe", "link-local"),
            ("2002:7f00:1::1", "loopback"),
            ("2002:c0a8:0101::", "private"),
        ] {
            assert_eq!(classify(ip(addr)), Some(class), "{addr}");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for addr in [
            "93.184.216.34",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "2002:5db8:d822::1",
        ] {
            assert_eq!(classify(ip(addr)), None, "{addr}");
        }
    }

    #[test]
    fn exemption_is_exact() {
        let g = Guard::new(vec!["127.0.0.1/32".parse().unwrap()]);
        assert_eq!(g.refusal(ip("127.0.0.1")), None);
        assert_eq!(g.refusal(ip("::ffff:127.0.0.1")), None);
        assert_eq!(g.refusal(ip("127.0.0.2")), Some("loopback"));
        assert_eq!(g.refusal(ip("::1")), Some("loopback"));
        assert_eq!(g.refusal(ip("10.0.0.1")), Some("private"));
    }

    #[test]
    fn url_checks_scheme_and_literal_hosts() {
        let g = Guard::new(vec!["127.0.0.1/32".parse().unwrap()]);
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(g.check_url(&u("http://127.0.0.1:8080/x")).is_ok());
        assert!(g.check_url(&u("http://127.0.0.2/x")).is_err());
        assert!(g.check_url(&u("http://[::1]:80/")).is_err());
        assert!(
            g.check_url(&u("http://169.254.169.254/latest/meta-data"))
                .is_err()
        );
        assert!(g.check_url(&u("file:///etc/passwd")).is_err());
        assert!(g.check_url(&u("ftp://example.org/")).is_err());
        // Domains are checked at resolution time, not here (and no lookup happens in this test).
        assert!(g.check_url(&u("https://example.org/")).is_ok());
    }
}
