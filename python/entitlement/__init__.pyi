# SPDX-License-Identifier: MIT
# Copyright (c) 2026 The entitlement authors
from . import models as models
from . import testing as testing
from ._batch import BatchRequest as BatchRequest
from ._batch import BatchResult as BatchResult
from ._client import AsyncBetaClient as AsyncBetaClient
from ._client import AsyncClient as AsyncClient
from ._client import BetaClient as BetaClient
from ._client import Client as Client
from ._jobs import AsyncJob as AsyncJob
from ._jobs import Job as Job
from ._filter import Filter as Filter
from ._models import GraphModel as GraphModel
from ._native import Model as Model
from ._paging import AsyncPager as AsyncPager
from ._paging import Page as Page
from ._paging import Pager as Pager
from .errors import AuthenticationError as AuthenticationError
from .errors import BadRequestError as BadRequestError
from .errors import ConflictError as ConflictError
from .errors import DecodeError as DecodeError
from .errors import EntitlementError as EntitlementError
from .errors import InternalError as InternalError
from .errors import InvalidArgumentError as InvalidArgumentError
from .errors import NetworkError as NetworkError
from .errors import NotFoundError as NotFoundError
from .errors import PermissionDeniedError as PermissionDeniedError
from .errors import ServiceError as ServiceError
from .errors import ThrottledError as ThrottledError
from .errors import TimeoutError as TimeoutError

__version__: str
__all__: list
