"""Authorization: who may call a SyncApiFunction, as an explicit value.

The class users pass as ``authorization``, and the checks of its parts that every front door
shares (the kind, the types of its parts, a Cognito user pool, a JWT issuer). What each
front door accepts on top (JWT only on HTTP APIs, IAM or none on a function URL) is checked
by that door.

``_validation`` sits below every construct and imports none of them, so this module
registers the class for the ``authorization`` spec (``register_value_class``).
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_cognito as cognito
from constructs import Construct

from constructs_lib import limits
from constructs_lib._validation import authorization_specs, check_props, raise_first, register_value_class
from constructs_lib.value_rules import Violation
from constructs_lib.value_rules import api as api_rules


@register_value_class
class Authorization:
    """Who may call the API: an explicit value, never an implicit open door.

    - ``Authorization.iam()`` (the default): callers sign requests with SigV4 and need
      ``execute-api:Invoke`` on the API (grant it with ``api.arn_for_execute_api()``).
      Right for service-to-service calls.
    - ``Authorization.cognito(user_pool, user_pool_clients=..., scopes=...)``: end users
      present a Cognito user pool token (REST: Cognito authorizer; HTTP: JWT authorizer).
    - ``Authorization.jwt(issuer, audience, scopes=...)``: any OIDC/OAuth 2.0 issuer
      (HTTP APIs only; REST APIs have no JWT authorizer).
    - ``Authorization.none(reason=...)``: an open endpoint, only with a stated reason,
      which is recorded as the cdk-nag acknowledgment of the routes it opens.

    Its parts are checked when a ``SyncApiFunction`` uses it (a wrong type, a JWT
    authorizer without audience, an empty reason), so the error names the construct and
    its ``authorization`` prop.
    """

    IAM = "IAM"
    COGNITO = "COGNITO"
    JWT = "JWT"
    NONE = "NONE"

    def __init__(
        self,
        kind: str,
        *,
        user_pool: cognito.IUserPool | None = None,
        user_pool_clients: Sequence[cognito.IUserPoolClient] | None = None,
        jwt_issuer: str | None = None,
        jwt_audience: Sequence[str] | None = None,
        scopes: Sequence[str] | None = None,
        reason: str | None = None,
    ) -> None:
        self.kind = kind
        # The values as given; SyncApiFunction checks them (and names the construct) when
        # the authorization is used, so a wrong type never fails here without a path.
        self._user_pool = user_pool
        self._user_pool_clients = user_pool_clients
        self._jwt_issuer = jwt_issuer
        self._jwt_audience = jwt_audience
        self._scopes = scopes
        self._reason = reason

    @property
    def user_pool(self) -> cognito.IUserPool | None:
        return self._user_pool

    @property
    def user_pool_clients(self) -> list[cognito.IUserPoolClient] | None:
        return list(self._user_pool_clients) if self._user_pool_clients else None

    @property
    def jwt_issuer(self) -> str | None:
        return self._jwt_issuer

    @property
    def jwt_audience(self) -> list[str] | None:
        return list(self._jwt_audience) if self._jwt_audience else None

    @property
    def scopes(self) -> list[str] | None:
        return list(self._scopes) if self._scopes else None

    @property
    def reason(self) -> str | None:
        return self._reason

    @classmethod
    def iam(cls) -> Authorization:
        """SigV4-signed requests authorized by IAM policies (``execute-api:Invoke``)."""
        return cls(cls.IAM)

    @classmethod
    def cognito(
        cls,
        user_pool: cognito.IUserPool,
        *,
        user_pool_clients: Sequence[cognito.IUserPoolClient] | None = None,
        scopes: Sequence[str] | None = None,
    ) -> Authorization:
        """Tokens of a Cognito user pool (REST: Cognito authorizer; HTTP: JWT authorizer)."""
        return cls(cls.COGNITO, user_pool=user_pool, user_pool_clients=user_pool_clients, scopes=scopes)

    @classmethod
    def jwt(cls, issuer: str, audience: Sequence[str], *, scopes: Sequence[str] | None = None) -> Authorization:
        """A JWT authorizer for any OIDC issuer (HTTP APIs only)."""
        return cls(cls.JWT, jwt_issuer=issuer, jwt_audience=audience, scopes=scopes)

    @classmethod
    def none(cls, *, reason: str) -> Authorization:
        """No authorization: anyone can call the function. ``reason`` is required."""
        return cls(cls.NONE, reason=reason)

    def __repr__(self) -> str:
        return f"Authorization.{str(self.kind).lower()}()"


def validate_authorization(construct: Construct, authorization: Authorization) -> None:
    """The parts of an Authorization, reported as ``authorization`` (the prop the user set)."""
    kinds = (Authorization.IAM, Authorization.COGNITO, Authorization.JWT, Authorization.NONE)
    if authorization.kind not in kinds:
        raise_first(
            construct,
            Violation(
                "authorization",
                f"authorization kind {authorization.kind!r} is not one of {kinds}; use "
                "Authorization.iam(), .cognito(...), .jwt(...) or .none(reason=...)",
                limits.SRC_APIGW_ACCESS_CONTROL,
            ),
        )
    parts = {name: getattr(authorization, f"_{name}") for name in authorization_specs()}
    check_props(
        construct,
        authorization_specs(),
        parts,
        source=limits.SRC_APIGW_ACCESS_CONTROL,
        label=f"authorization {authorization!r}:",
        as_prop="authorization",
    )
    if authorization.kind == Authorization.COGNITO and authorization.user_pool is None:
        raise_first(
            construct,
            Violation(
                "authorization",
                "authorization Authorization.cognito() has no user pool; pass the cognito.IUserPool "
                "whose tokens callers present",
                limits.SRC_APIGW_ACCESS_CONTROL,
            ),
        )
    if authorization.kind == Authorization.JWT and not authorization.jwt_issuer:
        raise_first(
            construct,
            Violation(
                "authorization",
                "authorization Authorization.jwt() has no issuer; pass the issuer URL of your "
                "OIDC / OAuth 2.0 provider",
                limits.SRC_APIGW_ACCESS_CONTROL,
            ),
        )


def open_reason(authorization: Authorization) -> Violation | None:
    """``Authorization.none()`` needs a reason (every front door records it)."""
    if authorization.kind == Authorization.NONE:
        return api_rules.check_open_reason(authorization.reason)
    return None


def missing_jwt_audience(authorization: Authorization) -> Violation | None:
    """API Gateway's JWT authorizer needs an audience (the REST and HTTP doors ask)."""
    if authorization.kind == Authorization.JWT and not authorization.jwt_audience:
        return Violation(
            "authorization",
            "authorization Authorization.jwt() has no audience; API Gateway's JWT "
            "authorizer requires at least one audience (the token's aud or client_id)",
            limits.SRC_APIGW_ACCESS_CONTROL,
        )
    return None
